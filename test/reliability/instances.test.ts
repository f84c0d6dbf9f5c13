/**
 * Several Vellum instances behind one load balancer, on one primary and its replicas.
 *
 * - Two processes started together on an empty database migrate it once and both serve.
 * - Whatever one instance hands a client (list cursors, OAI-PMH resumption tokens, ETags,
 *   Idempotency-Keys) the other honours: a client may be sent to either for every request.
 * - With DATABASE_REPLICA_URL the read-only routes read the replica, and authenticated API
 *   requests read the primary (read-your-own-writes). The "replica" here is a second
 *   database filled differently, so each answer shows which database gave it.
 */
import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../../src/app.js";
import { loadConfig } from "../../src/config.js";
import { openDatabase } from "../../src/db/index.js";
import { listMigrations } from "../../src/db/migrate.js";
import type { EPrint } from "../../src/records/schema.js";
import { bootstrap, createServices } from "../../src/services.js";
import { TEST_ENV, freshDatabase } from "../support/app.js";
import { ADMIN_TOKEN, call, ep3Xml, generatedRecord, makeUser, startVellum, stopVellum, type VellumProcess } from "./harness.js";

const cleanup: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanup.reverse()) await c().catch(() => {});
});

async function emptyDatabase() {
  const database = await freshDatabase();
  cleanup.push(database.drop);
  const c = new pg.Client({ connectionString: database.url });
  await c.connect();
  await c.query("DROP SCHEMA public CASCADE; CREATE SCHEMA public");
  await c.end();
  return database;
}

describe("two instances on one database", () => {
  let a: VellumProcess;
  let b: VellumProcess;
  let db: pg.Client;
  let alice: { userid: number; token: string };
  const ids: number[] = [];

  beforeAll(async () => {
    const database = await emptyDatabase();
    const env = { DATABASE_URL: database.url, VELLUM_OAI_PAGE_SIZE: "7", VELLUM_BASE_URL: "https://repo.example.org" };
    // started together on a database with no tables at all
    [a, b] = await Promise.all([startVellum(env), startVellum(env)]);
    cleanup.push(() => stopVellum(a), () => stopVellum(b));
    db = new pg.Client({ connectionString: database.url });
    await db.connect();
    cleanup.push(() => db.end());
    alice = await makeUser(a.base, "alice");
    // 40 live records, imported through A
    const records = Array.from({ length: 40 }, (_, i) => generatedRecord(i, 500 + i)).map((r) => ({ ...r, eprint_status: "archive" as const }));
    for (const r of records) {
      const res = await call(a.base, "POST", "/api/import?preserve=ids", { token: ADMIN_TOKEN, body: ep3Xml([r], { baseUrl: "https://repo.example.org", host: "repo.example.org" }), type: "application/vnd.eprints.data+xml" });
      expect(res.status, res.text).toBe(200);
      ids.push(r.eprintid);
    }
  }, 120_000);

  it("migrated the database once, and both are ready", async () => {
    const { rows } = await db.query("SELECT migration_name, count(*)::int AS n FROM _prisma_migrations WHERE finished_at IS NOT NULL GROUP BY migration_name ORDER BY migration_name");
    expect(rows).toEqual(listMigrations().map((m) => ({ migration_name: m.name, n: 1 })));
    for (const p of [a, b]) expect((await call(p.base, "GET", "/readyz")).status).toBe(200);
    // one installation secret, one default subject tree, one admin user
    expect((await db.query("SELECT count(*)::int AS n FROM setting WHERE key = 'token_secret'")).rows[0].n).toBe(1);
    expect((await db.query(`SELECT count(*)::int AS n FROM "user" WHERE username = 'admin'`)).rows[0].n).toBe(1);
  });

  it("continue a list on either instance with the other's cursor", async () => {
    const seen: number[] = [];
    let cursor: string | null = null;
    let page = 0;
    do {
      const p = page++ % 2 === 0 ? a : b;
      const res = await call(p.base, "GET", `/api/eprints?limit=6${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
      expect(res.status, res.text).toBe(200);
      seen.push(...res.json().items.map((r: EPrint) => r.eprintid));
      cursor = res.json().next;
    } while (cursor);
    expect(page).toBeGreaterThan(2);
    expect(seen).toEqual([...ids].sort((x, y) => x - y));
  });

  it("continue an OAI-PMH harvest on either instance with the other's resumption token", async () => {
    const harvested: string[] = [];
    let token: string | undefined;
    let page = 0;
    do {
      const p = page++ % 2 === 0 ? a : b;
      const q = token ? `verb=ListIdentifiers&resumptionToken=${encodeURIComponent(token)}` : "verb=ListIdentifiers&metadataPrefix=oai_dc";
      const res = await call(p.base, "GET", `/cgi/oai2?${q}`);
      expect(res.status).toBe(200);
      expect(res.text).not.toMatch(/<error /);
      harvested.push(...[...res.text.matchAll(/<identifier>oai:repo\.example\.org:(\d+)<\/identifier>/g)].map((m) => m[1]!));
      token = /<resumptionToken[^>]*>([^<]+)<\/resumptionToken>/.exec(res.text)?.[1];
    } while (token);
    expect(page).toBe(Math.ceil(ids.length / 7));
    expect(harvested.map(Number).sort((x, y) => x - y)).toEqual([...ids].sort((x, y) => x - y));
  });

  it("honour each other's ETags (If-None-Match, If-Match)", async () => {
    const created = await call(a.base, "POST", "/api/eprints", { token: alice.token, body: { type: "article", title: "Edited on both" } });
    const id = created.json().eprintid;
    const tagA = created.headers.get("etag")!;
    expect((await call(b.base, "GET", `/api/eprints/${id}`, { token: alice.token, headers: { "if-none-match": tagA } })).status).toBe(304);
    const onB = await call(b.base, "PATCH", `/api/eprints/${id}`, { token: alice.token, body: { title: "Edited on B" }, type: "application/merge-patch+json", headers: { "if-match": tagA } });
    expect(onB.status).toBe(200);
    // A's tag is stale now, on both instances
    for (const p of [a, b]) {
      expect((await call(p.base, "PATCH", `/api/eprints/${id}`, { token: alice.token, body: { title: "Stale" }, type: "application/merge-patch+json", headers: { "if-match": tagA } })).status).toBe(412);
    }
    const onA = await call(a.base, "PATCH", `/api/eprints/${id}`, { token: alice.token, body: { title: "Edited on A" }, type: "application/merge-patch+json", headers: { "if-match": onB.headers.get("etag")! } });
    expect(onA.status).toBe(200);
    // anonymous readers of a live record: the export ETag of one is the other's too
    const live = ids[0]!;
    const exported = await call(a.base, "GET", `/cgi/export/eprint/${live}/BibTeX/repo-eprint-${live}.bib`);
    expect(exported.status).toBe(200);
    const tag = exported.headers.get("etag");
    expect(tag).toBeTruthy();
    expect((await call(b.base, "GET", `/cgi/export/eprint/${live}/BibTeX/repo-eprint-${live}.bib`, { headers: { "if-none-match": tag! } })).status).toBe(304);
  });

  it("replay each other's Idempotency-Keys", async () => {
    const key = randomUUID();
    const body = { type: "article", title: `Keyed ${key}` };
    const first = await call(a.base, "POST", "/api/eprints", { token: alice.token, body, headers: { "idempotency-key": key } });
    const retry = await call(b.base, "POST", "/api/eprints", { token: alice.token, body, headers: { "idempotency-key": key } });
    expect([first.status, retry.status]).toEqual([201, 201]);
    expect(retry.text).toBe(first.text);
    expect(retry.headers.get("location")).toBe(first.headers.get("location"));
  });
});

describe("a read replica (DATABASE_REPLICA_URL)", () => {
  const PRIMARY = "Held by the primary";
  const REPLICA = "Held by the replica";
  let app: Awaited<ReturnType<typeof buildApp>>;
  let token: string;
  let depositor: string;
  const live = 7001;

  /** A database holding record `live` (and 600 more) titled `title`. */
  async function filled(title: string) {
    const database = await freshDatabase();
    cleanup.push(database.drop);
    const db = openDatabase(database.url, { poolSize: 2 });
    const services = await createServices(loadConfig({ ...TEST_ENV, DATABASE_URL: database.url }), db);
    await bootstrap(services);
    const records = Array.from({ length: 601 }, (_, i) => ({ ...generatedRecord(i, live + i), eprint_status: "archive" as const, title: `${title} ${i}` }));
    await services.eprints.insertBatch(records, null, { replace: true });
    await db.close();
    return database;
  }

  beforeAll(async () => {
    const [primary, replica] = await Promise.all([filled(PRIMARY), filled(REPLICA)]);
    const config = loadConfig({ ...TEST_ENV, DATABASE_URL: primary.url, DATABASE_REPLICA_URL: replica.url });
    const db = openDatabase(primary.url, { poolSize: 5, replicaUrl: replica.url });
    const services = await createServices(config, db);
    await bootstrap(services);
    app = await buildApp({ services });
    cleanup.push(async () => {
      await app.close();
      await db.close();
    });
    const admin = (await services.accounts.findByUsername("admin"))!;
    token = (await services.accounts.createToken(admin.userid)).token;
    const user = await services.accounts.createUser({ username: "depositor", usertype: "user" });
    depositor = (await services.accounts.createToken(user.userid)).token;
  }, 120_000);

  const get = (url: string, opts: { token?: string; accept?: string } = {}) =>
    app.inject({ method: "GET", url, headers: { ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}), ...(opts.accept ? { accept: opts.accept } : {}) } });
  const from = (body: string) => (body.includes(REPLICA) ? "replica" : body.includes(PRIMARY) ? "primary" : "neither");

  it("serves the read-only routes to anonymous clients from the replica", async () => {
    const routes = [
      `/api/eprints/${live}`,
      `/api/eprints?q=held&limit=3`,
      `/api/eprints?format=JSON&limit=3`,
      `/api/export/JSON`,
      `/id/eprint/${live}`,
      `/id/eprint/${live}/`,
      `/cgi/export/eprint/${live}/JSON/kar-eprint-${live}.js`,
      `/rest/eprint/${live}.xml`,
      `/rest/eprint/${live}/title.txt`,
      `/cgi/oai2?verb=GetRecord&metadataPrefix=oai_dc&identifier=oai:kar.kent.ac.uk:${live}`,
      `/cgi/oai2?verb=ListRecords&metadataPrefix=oai_dc`,
    ];
    for (const url of routes) {
      const res = await get(url, { accept: url.startsWith("/id/eprint") && !url.endsWith("/") ? "application/json" : undefined });
      expect(res.statusCode, `${url}: ${res.body.slice(0, 300)}`).toBe(200);
      expect(from(res.body), url).toBe("replica");
    }
    // a bulk export reads many keyset pages: every one from the replica
    const all = await get("/api/export/JSON");
    expect(JSON.parse(all.body)).toHaveLength(601);
    expect(all.body.includes(PRIMARY)).toBe(false);
  });

  it("serves authenticated API reads from the primary, so writers read their own writes", async () => {
    for (const url of [`/api/eprints/${live}`, `/api/eprints?q=held&limit=3`, `/api/eprints/${live}/revisions/1`]) {
      const res = await get(url, { token });
      expect(res.statusCode, `${url}: ${res.body.slice(0, 300)}`).toBe(200);
      expect(from(res.body), url).toBe("primary");
    }
    // every page of a long authenticated export too
    const all = await get("/api/export/JSON", { token });
    expect(JSON.parse(all.body)).toHaveLength(601);
    expect(all.body.includes(REPLICA)).toBe(false);

    const created = await app.inject({ method: "POST", url: "/api/eprints", headers: { authorization: `Bearer ${depositor}` }, payload: { type: "article", title: "Just written" } });
    expect(created.statusCode).toBe(201);
    const id = created.json().eprintid;
    expect((await get(`/api/eprints/${id}`, { token: depositor })).statusCode).toBe(200);
    const mine = await get(`/api/eprints?q=${encodeURIComponent("Just written")}`, { token: depositor });
    expect(mine.json().items.map((r: EPrint) => r.eprintid)).toEqual([id]);
  });

  it("serves EPrints' public URLs from the replica whoever asks", async () => {
    const res = await get(`/cgi/export/eprint/${live}/JSON/kar-eprint-${live}.js`, { token });
    expect(res.statusCode).toBe(200);
    expect(from(res.body)).toBe("replica");
  });
});
