/**
 * Concurrent clients against a listening Vellum process: writers racing on one record with
 * If-Match, depositors racing to create, and Idempotency-Key retries (sequential and
 * racing). What must hold: every update wins (200) or is told it lost (412), revision
 * numbers have no gaps or duplicates and the history holds every winning write; every 201
 * is a stored record with its own id; a retried deposit answers the first result and never
 * creates a second record.
 */
import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshDatabase } from "../support/app.js";
import { call, makeUser, startVellum, stopVellum, type Answer, type VellumProcess } from "./harness.js";

let vellum: VellumProcess;
let database: Awaited<ReturnType<typeof freshDatabase>>;
let db: pg.Client;
let base: string;
let alice: { userid: number; token: string };
let bob: { userid: number; token: string };

beforeAll(async () => {
  database = await freshDatabase();
  db = new pg.Client({ connectionString: database.url });
  await db.connect();
  vellum = await startVellum({ DATABASE_URL: database.url, VELLUM_DB_POOL_SIZE: "10" });
  base = vellum.base;
  alice = await makeUser(base, "alice");
  bob = await makeUser(base, "bob");
}, 60_000);

afterAll(async () => {
  await stopVellum(vellum);
  await db?.end();
  await database?.drop();
});

const ARTICLE = { type: "article", title: "Concurrent deposit", subjects: ["QA75"], date: "2024-02-29", creators: [{ name: { family: "Müller", given: "Anna" } }] };

function tally(answers: Answer[]): Record<number, number> {
  const out: Record<number, number> = {};
  for (const a of answers) out[a.status] = (out[a.status] ?? 0) + 1;
  return out;
}

async function deposit(token: string, body: object | string = ARTICLE, headers: Record<string, string> = {}): Promise<Answer> {
  return call(base, "POST", "/api/eprints", { token, body, headers });
}

async function revisions(id: number): Promise<{ rev_number: number; title: string }[]> {
  const { rows } = await db.query("SELECT rev_number, data->>'title' AS title FROM eprint_revision WHERE eprintid = $1 ORDER BY rev_number", [id]);
  return rows;
}

describe("50 concurrent writers on one record with If-Match", () => {
  it("all sending the same ETag: exactly one wins, 49 get 412", async () => {
    const created = await deposit(alice.token);
    const id = created.json().eprintid;
    const etag = created.headers.get("etag")!;
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, w) =>
        call(base, "PATCH", `/api/eprints/${id}`, { token: alice.token, body: { title: `writer ${w}` }, type: "application/merge-patch+json", headers: { "if-match": etag } }),
      ),
    );
    expect(tally(answers)).toEqual({ 200: 1, 412: 49 });
    for (const a of answers.filter((x) => x.status === 412)) expect(a.headers.get("content-type")).toMatch(/^application\/problem\+json/);
    const winner = answers.find((a) => a.status === 200)!.json();
    expect(winner.rev_number).toBe(2);
    expect(await revisions(id)).toEqual([
      { rev_number: 1, title: ARTICLE.title },
      { rev_number: 2, title: winner.title },
    ]);
  });

  it("each re-reading and retrying: every write wins or gets 412, no revision is skipped or doubled, the history holds every win", async () => {
    const created = await deposit(alice.token);
    const id = created.json().eprintid;
    const wins: { rev: number; title: string }[] = [];
    const all: Answer[] = [];
    await Promise.all(
      Array.from({ length: 50 }, async (_, w) => {
        for (let round = 0; round < 6; round++) {
          const current = await call(base, "GET", `/api/eprints/${id}`, { token: alice.token });
          expect(current.status).toBe(200);
          const title = `writer ${w} round ${round}`;
          const a = await call(base, "PATCH", `/api/eprints/${id}`, {
            token: alice.token,
            body: { title },
            type: "application/merge-patch+json",
            headers: { "if-match": current.headers.get("etag")! },
          });
          all.push(a);
          if (a.status === 200) {
            expect(a.json().title).toBe(title);
            expect(a.headers.get("etag")).toBe(`"${id}-${a.json().rev_number}"`);
            wins.push({ rev: a.json().rev_number, title });
          }
        }
      }),
    );
    const counts = tally(all);
    expect(Object.keys(counts).sort()).toEqual(Object.keys(counts).length === 1 ? ["200"] : ["200", "412"]);
    expect(counts[200]).toBe(wins.length);
    // every win has its own revision number, and together they are 2..n without a gap
    const revs = wins.map((w) => w.rev).sort((a, b) => a - b);
    expect(revs).toEqual(Array.from({ length: wins.length }, (_, i) => i + 2));
    // the history holds exactly revision 1 and every winning write
    const history = await revisions(id);
    expect(history.map((h) => h.rev_number)).toEqual([1, ...revs]);
    for (const w of wins) expect(history.find((h) => h.rev_number === w.rev)!.title).toBe(w.title);
    const final = await call(base, "GET", `/api/eprints/${id}`, { token: alice.token });
    expect(final.json().rev_number).toBe(wins.length + 1);
    console.log(JSON.stringify({ writers: 50, attempts: all.length, won: counts[200], preconditionFailed: counts[412] ?? 0, lostUpdates: 0 }));
  }, 120_000);
});

describe("50 concurrent depositors", () => {
  it("every 201 is a stored record with an id of its own", async () => {
    const users = [alice, bob, await makeUser(base, "carol"), await makeUser(base, "dave"), await makeUser(base, "erin")];
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) => deposit(users[i % users.length]!.token, { ...ARTICLE, title: `Depositor ${i}` })),
    );
    expect(tally(answers)).toEqual({ 201: 50 });
    const ids = answers.map((a) => a.json().eprintid as number);
    expect(new Set(ids).size).toBe(50);
    for (const [i, a] of answers.entries()) {
      expect(a.headers.get("location")).toBe(`/api/eprints/${ids[i]}`);
      const row = await db.query("SELECT data, userid FROM eprint WHERE eprintid = $1", [ids[i]]);
      expect(row.rows[0].data).toEqual(a.json());
      expect(row.rows[0].userid).toBe(users[i % users.length]!.userid);
    }
  });
});

describe("Idempotency-Key on POST /api/eprints", () => {
  const titled = (title: string) => ({ ...ARTICLE, title });
  const count = async (title: string) => (await db.query("SELECT count(*)::int AS n FROM eprint WHERE title = $1", [title])).rows[0].n as number;

  it("answers a retry with the first result (status, body, Location, ETag) and stores one record", async () => {
    const key = randomUUID();
    const body = titled(`Idempotent ${key}`);
    const first = await deposit(alice.token, body, { "idempotency-key": key });
    expect(first.status).toBe(201);
    expect(first.headers.get("idempotent-replayed")).toBeNull();
    // the record changes after the deposit: the replay still answers what the deposit answered
    const id = first.json().eprintid;
    const edited = await call(base, "PATCH", `/api/eprints/${id}`, { token: alice.token, body: { note: "edited" }, type: "application/merge-patch+json", headers: { "if-match": first.headers.get("etag")! } });
    expect(edited.status).toBe(200);
    // key order and whitespace are not part of the request's identity
    const reordered = JSON.stringify(Object.fromEntries(Object.entries(body).reverse()), null, 2);
    for (const retry of [await deposit(alice.token, body, { "idempotency-key": key }), await deposit(alice.token, reordered, { "idempotency-key": `"${key}"` })]) {
      expect(retry.status).toBe(201);
      expect(retry.text).toBe(first.text);
      expect(retry.headers.get("location")).toBe(first.headers.get("location"));
      expect(retry.headers.get("etag")).toBe(first.headers.get("etag"));
      expect(retry.headers.get("idempotent-replayed")).toBe("true");
    }
    expect(await count(body.title)).toBe(1);
  });

  it("refuses the same key with a different body: 422 problem+json, the first record untouched", async () => {
    const key = randomUUID();
    const first = await deposit(alice.token, titled(`First ${key}`), { "idempotency-key": key });
    expect(first.status).toBe(201);
    for (const other of [titled(`Second ${key}`), { ...titled(`First ${key}`), refereed: true }]) {
      const reuse = await deposit(alice.token, other, { "idempotency-key": key });
      expect(reuse.status).toBe(422);
      expect(reuse.headers.get("content-type")).toMatch(/^application\/problem\+json/);
      expect(reuse.json()).toMatchObject({ status: 422, type: "/problems/idempotency-key-reused" });
    }
    // a body that is invalid in itself is refused as any invalid body is, before the key is looked at
    expect((await deposit(alice.token, { type: "nonsense" }, { "idempotency-key": key })).status).toBe(400);
    expect(await count(`Second ${key}`)).toBe(0);
    expect(await count(`First ${key}`)).toBe(1);
  });

  it("scopes keys per user: another user's same key is a request of their own", async () => {
    const key = randomUUID();
    const a = await deposit(alice.token, titled(`Scoped ${key}`), { "idempotency-key": key });
    const b = await deposit(bob.token, titled(`Scoped ${key}`), { "idempotency-key": key });
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(b.json().eprintid).not.toBe(a.json().eprintid);
    expect(b.json().userid).toBe(bob.userid);
    expect(await count(`Scoped ${key}`)).toBe(2);
  });

  it("creates one record when 50 retries with the same key race", async () => {
    const key = randomUUID();
    const body = titled(`Raced ${key}`);
    const answers = await Promise.all(Array.from({ length: 50 }, () => deposit(alice.token, body, { "idempotency-key": key })));
    expect(tally(answers)).toEqual({ 201: 50 });
    expect(new Set(answers.map((a) => a.text)).size).toBe(1);
    expect(answers.filter((a) => a.headers.get("idempotent-replayed") === null)).toHaveLength(1);
    expect(await count(body.title)).toBe(1);
  });

  it("keeps a key for 24 hours, then treats it as new", async () => {
    const key = randomUUID();
    const body = titled(`Kept ${key}`);
    const first = await deposit(alice.token, body, { "idempotency-key": key });
    await db.query("UPDATE idempotency_key SET created = now() - interval '23 hours 59 minutes' WHERE key = $1", [key]);
    const day = await deposit(alice.token, body, { "idempotency-key": key });
    expect(day.text).toBe(first.text);
    await db.query("UPDATE idempotency_key SET created = now() - interval '24 hours 1 minute' WHERE key = $1", [key]);
    const later = await deposit(alice.token, body, { "idempotency-key": key });
    expect(later.status).toBe(201);
    expect(later.json().eprintid).not.toBe(first.json().eprintid);
    expect(later.headers.get("idempotent-replayed")).toBeNull();
    expect(await count(body.title)).toBe(2);
  });

  it("does not remember a request that failed: its retry runs again", async () => {
    const key = randomUUID();
    const bad = await deposit(alice.token, { ...titled(`Failed ${key}`), date: "2023-02-29" }, { "idempotency-key": key });
    expect(bad.status).toBe(400);
    expect((await db.query("SELECT count(*)::int AS n FROM idempotency_key WHERE key = $1", [key])).rows[0].n).toBe(0);
    const fixed = await deposit(alice.token, titled(`Failed ${key}`), { "idempotency-key": key });
    expect(fixed.status).toBe(201);
  });

  it("rejects a malformed key with 400 problem+json", async () => {
    for (const key of ["", "x".repeat(256), "spaces are not allowed", '"unterminated']) {
      const a = await call(base, "POST", "/api/eprints", { token: alice.token, body: ARTICLE, headers: { "idempotency-key": key } });
      expect(a.status, key).toBe(400);
      expect(a.headers.get("content-type")).toMatch(/^application\/problem\+json/);
    }
  });
});
