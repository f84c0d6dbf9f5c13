/**
 * Secrets stay secret: API tokens are stored only as hashes, and neither a token nor an
 * e-mail address ever reaches the log, whatever the route, the outcome or the log level.
 * The app is built with the server's own logger options, writing to a stream the test
 * reads, and driven with valid, revoked, forged and bootstrap tokens and records, users and
 * requests full of e-mail addresses.
 */
import { createHash } from "node:crypto";
import { Writable } from "node:stream";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../../src/app.js";
import { loggerOptions } from "../../src/http/logging.js";
import { testApp, type TestApp } from "../support/app.js";

const ADMIN_TOKEN = "bootstrap-admin-secret-7c1f9e2d";
const EMAILS = ["creator.secret@example.org", "editor.secret@example.org", "contact.secret@example.org", "new.user.secret@example.org", "query.secret@example.org"];

let t: TestApp;
let app: FastifyInstance;
let log = "";
const secrets: string[] = [ADMIN_TOKEN];

beforeAll(async () => {
  t = await testApp({ VELLUM_ADMIN_TOKEN: ADMIN_TOKEN, VELLUM_RATE_LIMIT_ANONYMOUS: "0", VELLUM_RATE_LIMIT_TOKEN: "0" });
  const stream = new Writable({
    write(chunk, _enc, done) {
      log += chunk.toString();
      done();
    },
  });
  // the most talkative level, so nothing is missed
  app = await buildApp({ services: t.services, logger: { ...loggerOptions("trace"), stream } });
  await app.ready();
  secrets.push(...Object.values(t.tokens));
});
afterAll(async () => {
  await app?.close();
  await t?.close();
});

async function call(method: string, url: string, token?: string, payload?: unknown, headers: Record<string, string> = {}) {
  return app.inject({ method: method as "GET", url, payload: payload as object, headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers } });
}

describe("tokens at rest", () => {
  it("are stored as SHA-256 hashes: no token is anywhere in the database", async () => {
    const { rows } = await t.services.db.pool.query("SELECT * FROM api_token");
    expect(rows.length).toBeGreaterThanOrEqual(4);
    const dump = JSON.stringify(rows);
    for (const token of Object.values(t.tokens)) {
      expect(dump).not.toContain(token);
      expect(dump).not.toContain(token.slice(12));
      expect(rows.some((r) => r.hash === createHash("sha256").update(token).digest("hex"))).toBe(true);
    }
    const everything = await t.services.db.pool.query(`SELECT string_agg(value, ' ') AS v FROM setting`);
    expect(String(everything.rows[0].v)).not.toContain(ADMIN_TOKEN);
  });
});

describe("the log", () => {
  it("carries no token and no e-mail address, whatever happens", async () => {
    const { alice, bob, editor, admin } = t.tokens;
    // a revoked token, and forgeries that look like tokens
    const revoked = (await call("POST", `/api/users/${t.users.bob}/tokens`, bob, { label: "old" })).json();
    await call("DELETE", `/api/tokens/${revoked.id}`, admin);
    const forged = `vel_${"A".repeat(43)}`;
    secrets.push(revoked.token, forged);

    // accounts with e-mail addresses; a duplicate; one read back
    const created = await call("POST", "/api/users", ADMIN_TOKEN, { username: "secretive", email: "new.user.secret@example.org" });
    expect(created.statusCode).toBe(201);
    await call("POST", "/api/users", admin, { username: "secretive", email: "new.user.secret@example.org" });
    await call("POST", "/api/users", admin, { username: "bad", email: "not-an-email@" });
    await call("GET", `/api/users/${created.json().userid}`, admin);
    const tok = await call("POST", `/api/users/${created.json().userid}/tokens`, admin, { label: "new.user.secret@example.org" });
    secrets.push(tok.json().token);

    // records with creator e-mails and a contact e-mail, through their whole life
    const rec = await call("POST", "/api/eprints", alice, {
      type: "article",
      title: "Secrets",
      creators: [{ name: { family: "Secret", given: "C." }, id: "creator.secret@example.org" }],
      editors: [{ name: { family: "Secret", given: "E." }, id: "editor.secret@example.org" }],
      contact_email: "contact.secret@example.org",
    });
    expect(rec.statusCode).toBe(201);
    const id = rec.json().eprintid;
    let etag = rec.headers.etag as string;
    const patched = await call("PATCH", `/api/eprints/${id}`, alice, { title: "Secrets, patched" }, { "if-match": etag });
    etag = patched.headers.etag as string;
    await call("PATCH", `/api/eprints/${id}`, alice, { contact_email: "not an email creator.secret@example.org" }, { "if-match": etag });
    await call("PUT", `/api/eprints/${id}`, alice, { type: "article", creators: [{ name: { family: "X" }, id: "creator.secret@example.org", orcid: "0000-0000-0000-0000" }] }, { "if-match": etag });
    await call("PUT", `/api/eprints/${id}`, alice, { type: "article" }, { "if-match": '"stale-1"' });
    for (const to of ["buffer", "archive"]) {
      const cur = await call("GET", `/api/eprints/${id}`, admin);
      await call("POST", `/api/eprints/${id}/status`, editor, { eprint_status: to }, { "if-match": cur.headers.etag as string });
    }
    // every representation of it, signed in and not
    for (const token of [undefined, alice, admin]) {
      await call("GET", `/api/eprints/${id}`, token);
      await call("GET", `/id/eprint/${id}/`, token);
      await call("GET", `/cgi/export/eprint/${id}/XML/x.xml`, token);
      await call("GET", "/api/export/JSON", token);
      await call("GET", `/rest/eprint/${id}/contact_email.txt`, token);
      await call("GET", "/api/changes?include=record", token);
      await call("GET", `/cgi/oai2?verb=GetRecord&metadataPrefix=oai_dc&identifier=oai:kar.kent.ac.uk:${id}`, token);
    }
    // an import carrying e-mails, good and bad
    await call("POST", "/api/import", alice, `<eprints><eprint><type>article</type><title>I</title><creators><item><name><family>S</family></name><id>creator.secret@example.org</id></item></creators></eprint><eprint><type>nope</type><contact_email>contact.secret@example.org</contact_email></eprint></eprints>`, { "content-type": "application/xml" });
    await call("POST", "/api/import", alice, "@article{k, author={Secret, C.}, title={T}, note={editor.secret@example.org}}", { "content-type": "application/x-bibtex" });

    // every way a token can be presented, good and bad
    for (const token of [...secrets]) {
      await call("GET", "/api/eprints?limit=1", token);
      await call("GET", "/api/eprints/999999", token);
      await call("POST", "/api/eprints", token, { type: "article", title: "x" });
    }
    await call("GET", "/api/eprints", undefined, undefined, { authorization: `Basic ${Buffer.from(`alice:${alice}`).toString("base64")}` });
    await call("GET", "/api/eprints", undefined, undefined, { authorization: alice });
    await call("GET", "/api/eprints", undefined, undefined, { authorization: `Bearer ${alice} extra` });
    await call("GET", "/cgi/oai2?verb=Identify", alice);
    // clients that put secrets where they do not belong
    await call("GET", `/api/eprints?q=query.secret%40example.org&token=${alice}`, undefined);
    await call("GET", `/api/eprints/${alice}`, undefined);
    await call("GET", `/id/eprint/query.secret@example.org`, undefined);

    expect(log.length).toBeGreaterThan(1000);
    const found = [...secrets, ...EMAILS].filter((s) => log.includes(s));
    expect(found, `in the log: ${found.map((f) => log.split("\n").find((l) => l.includes(f))?.slice(0, 300)).join("\n")}`).toEqual([]);
    // a token's hash is no secret, but it has no business in the log either
    for (const s of secrets) expect(log).not.toContain(createHash("sha256").update(s).digest("hex"));
  });
});
