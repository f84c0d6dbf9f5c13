/**
 * kill -9 of the service in the middle of a large streamed import. Every record the
 * database holds afterwards is complete (equal to its source in the file, with its revision
 * and its change-feed entry), and the import can be run again to completion:
 * - with preserve=ids a re-run replaces by id and ends with exactly the file's records;
 * - without, an import only ever adds: a re-run adds the whole file again, so the records
 *   the killed run had committed are there twice (each copy complete).
 *
 * VELLUM_LONG_TESTS=1 imports 20,000 records (about a minute and a half each way);
 * otherwise 2,000.
 */
import { createReadStream, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EPrintSchema, type EPrint } from "../../src/records/schema.js";
import { freshDatabase } from "../support/app.js";
import { ADMIN_TOKEN, LONG, call, ep3Xml, generatedRecord, makeUser, sleep, startVellum, stopVellum, type VellumProcess } from "./harness.js";

const RECORDS = LONG ? 20_000 : 2_000;
const XML_TYPE = "application/vnd.eprints.data+xml";

let dir: string;
let file: string;
let source: EPrint[];
const cleanup: (() => Promise<void>)[] = [];

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "vellum-kill-"));
  source = Array.from({ length: RECORDS }, (_, i) => generatedRecord(i));
  file = path.join(dir, "import.xml");
  writeFileSync(file, ep3Xml(source));
});
afterAll(async () => {
  for (const c of cleanup.reverse()) await c().catch(() => {});
  rmSync(dir, { recursive: true, force: true });
});

/** POSTs the file as a stream; resolves with the status and body, or the network error. */
function streamImport(base: string, token: string, query = ""): Promise<{ status: number; body: string } | { error: string }> {
  return new Promise((resolve) => {
    const req = http.request(`${base}/api/import${query}`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": XML_TYPE } }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (d) => (body += d));
      res.on("end", () => resolve({ status: res.statusCode!, body }));
      res.on("error", (e) => resolve({ error: (e as NodeJS.ErrnoException).code ?? String(e) }));
    });
    req.on("error", (e) => resolve({ error: (e as NodeJS.ErrnoException).code ?? String(e) }));
    createReadStream(file, { highWaterMark: 64 * 1024 }).pipe(req);
  });
}

async function count(db: pg.Client): Promise<number> {
  return (await db.query("SELECT count(*)::int AS n FROM eprint")).rows[0].n;
}

/** Waits until PostgreSQL has rolled back whatever the killed process left open. */
async function settled(db: pg.Client, name: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const { rows } = await db.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()", [name]);
    if (rows[0].n === 0) return;
    await sleep(50);
  }
  throw new Error("connections of the killed process are still open");
}

/** Starts the import and kills the service (SIGKILL) once `atLeast` records are committed. */
async function killDuringImport(p: VellumProcess, db: pg.Client, token: string, query: string, atLeast: number): Promise<number> {
  const importing = streamImport(p.base, token, query);
  for (;;) {
    const n = await count(db);
    if (n >= atLeast) break;
    if (p.child.exitCode !== null) throw new Error(`vellum exited:\n${p.output()}`);
    await sleep(20);
  }
  p.child.kill("SIGKILL");
  const exit = await p.exited;
  expect(exit.signal).toBe("SIGKILL");
  const answer = await importing;
  expect("error" in answer, "the killed import got no answer").toBe(true);
  return count(db);
}

/** Every stored row is whole: typed columns agree with `data`, and it has its revision and change. */
async function expectWholeRows(db: pg.Client): Promise<Map<number, EPrint>> {
  const { rows } = await db.query(`
    SELECT e.eprintid, e.rev_number, e.title, e.eprint_status::text AS status, e.data,
           r.data AS revision, (SELECT count(*)::int FROM eprint_change c WHERE c.eprintid = e.eprintid AND c.rev_number = e.rev_number) AS changes
      FROM eprint e LEFT JOIN eprint_revision r ON r.eprintid = e.eprintid AND r.rev_number = e.rev_number`);
  const out = new Map<number, EPrint>();
  for (const row of rows) {
    const record = EPrintSchema.parse(row.data);
    expect(row.rev_number).toBe(record.rev_number);
    expect(row.title).toBe(record.title);
    expect(row.status).toBe(record.eprint_status);
    expect(row.revision, `eprint ${row.eprintid} has its revision`).toEqual(row.data);
    expect(row.changes, `eprint ${row.eprintid} is in the change feed`).toBeGreaterThanOrEqual(1);
    out.set(row.eprintid, record);
  }
  return out;
}

const SYSTEM = ["eprintid", "rev_number", "eprint_status", "userid", "dir", "datestamp", "lastmod", "status_changed"];
function metadataOf(r: EPrint): Record<string, unknown> {
  return Object.fromEntries(Object.entries(r).filter(([k]) => !SYSTEM.includes(k)));
}

describe(`kill -9 during an import of ${RECORDS} records`, () => {
  it("with preserve=ids: leaves only whole records, each equal to its source, and a re-run completes the import", async () => {
    const database = await freshDatabase();
    cleanup.push(database.drop);
    const db = new pg.Client({ connectionString: database.url });
    await db.connect();
    cleanup.push(() => db.end());

    const first = await startVellum({ DATABASE_URL: database.url });
    cleanup.push(() => stopVellum(first));
    const before = await killDuringImport(first, db, ADMIN_TOKEN, "?preserve=ids", Math.floor(RECORDS * 0.3));
    await settled(db, database.name);
    const after = await count(db);
    expect(after).toBeGreaterThanOrEqual(before);
    expect(after).toBeLessThan(RECORDS);

    const stored = await expectWholeRows(db);
    const byId = new Map(source.map((r) => [r.eprintid, r]));
    for (const [id, r] of stored) expect(r, `eprint ${id}`).toEqual(byId.get(id));

    const second = await startVellum({ DATABASE_URL: database.url });
    cleanup.push(() => stopVellum(second));
    const rerun = await streamImport(second.base, ADMIN_TOKEN, "?preserve=ids");
    expect("status" in rerun && rerun.status, JSON.stringify(rerun).slice(0, 500)).toBe(200);
    const report = JSON.parse((rerun as { body: string }).body);
    expect(report.created).toHaveLength(RECORDS);
    expect(report.failed).toEqual([]);

    const final = await expectWholeRows(db);
    expect(final.size).toBe(RECORDS);
    for (const r of source) expect(final.get(r.eprintid), `eprint ${r.eprintid}`).toEqual(r);
    // one revision per record: the re-run replaced the killed run's copies
    expect((await db.query("SELECT count(*)::int AS n FROM eprint_revision")).rows[0].n).toBe(RECORDS);
    // the id sequence is past the imported ids: a deposit after the crash gets a fresh id
    const deposit = await call(second.base, "POST", "/api/eprints", { token: ADMIN_TOKEN, body: { type: "article", title: "After the crash" } });
    expect(deposit.status, deposit.text).toBe(201);
    expect(deposit.json().eprintid).toBeGreaterThan(Math.max(...source.map((r) => r.eprintid)));
    console.log(JSON.stringify({ preserveIds: true, records: RECORDS, storedWhenKilled: after, checkedAfterKill: stored.size, checkedAfterRerun: final.size }));
  }, LONG ? 600_000 : 180_000);

  it("without preserve=ids: leaves only whole records, and a re-run adds the whole file again", async () => {
    const database = await freshDatabase();
    cleanup.push(database.drop);
    const db = new pg.Client({ connectionString: database.url });
    await db.connect();
    cleanup.push(() => db.end());

    const first = await startVellum({ DATABASE_URL: database.url });
    cleanup.push(() => stopVellum(first));
    const alice = await makeUser(first.base, "alice");
    const before = await killDuringImport(first, db, alice.token, "", Math.floor(RECORDS * 0.3));
    await settled(db, database.name);
    const after = await count(db);
    expect(after).toBeGreaterThanOrEqual(before);
    expect(after).toBeLessThan(RECORDS);

    // records are matched to their source by title (each is unique in the file)
    const byTitle = new Map(source.map((r) => [r.title!, r]));
    const check = (stored: Map<number, EPrint>) => {
      const seen = new Map<string, number>();
      for (const [id, r] of stored) {
        const src = byTitle.get(r.title!);
        expect(src, `eprint ${id} comes from the file`).toBeDefined();
        expect(metadataOf(r), `eprint ${id}`).toEqual(metadataOf(src!));
        expect(r).toMatchObject({ eprint_status: "inbox", userid: alice.userid, rev_number: 1 });
        seen.set(r.title!, (seen.get(r.title!) ?? 0) + 1);
      }
      return seen;
    };
    const killed = check(await expectWholeRows(db));
    expect(killed.size).toBe(after);

    const second = await startVellum({ DATABASE_URL: database.url });
    cleanup.push(() => stopVellum(second));
    const rerun = await streamImport(second.base, alice.token);
    expect("status" in rerun && rerun.status, JSON.stringify(rerun).slice(0, 500)).toBe(200);
    expect(JSON.parse((rerun as { body: string }).body).created).toHaveLength(RECORDS);
    const final = await expectWholeRows(db);
    expect(final.size).toBe(after + RECORDS);
    const seen = check(final);
    expect(seen.size).toBe(RECORDS);
    for (const [title, n] of seen) expect(n, title).toBe(killed.has(title) ? 2 : 1);
    console.log(JSON.stringify({ preserveIds: false, records: RECORDS, storedWhenKilled: after, checkedAfterKill: killed.size, checkedAfterRerun: final.size }));
  }, LONG ? 600_000 : 180_000);
});
