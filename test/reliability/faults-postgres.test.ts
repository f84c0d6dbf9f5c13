/**
 * PostgreSQL restarted under load. A Vellum process serves depositors who deposit (with
 * Idempotency-Key, retrying on 503), edit (If-Match) and read, while its PostgreSQL is
 * stopped and started again twice: once cleanly (fast shutdown) and once abruptly
 * (immediate shutdown, so the restart runs crash recovery). While the database is away,
 * requests fail with 503 problem+json and Retry-After, never 500; Vellum recovers by itself;
 * and every write that was acknowledged (201, 200) is there afterwards, as it was answered.
 */
import { mkdtempSync, readFileSync, rmSync, chmodSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureDatabase, startEmbedded, type EmbeddedServer } from "../../src/db/embedded.js";
import { freePort } from "../../src/db/embedded.js";
import { call, isProperUnavailable, makeUser, sleep, startVellum, stopVellum, type Answer, type VellumProcess } from "./harness.js";

let dir: string;
let pgPort: number;
let server: EmbeddedServer | undefined;
let vellum: VellumProcess | undefined;

async function startPostgres(): Promise<EmbeddedServer> {
  return startEmbedded({ dataDir: dir, port: pgPort });
}

/** Immediate shutdown (SIGQUIT to the postmaster): no checkpoint, the restart recovers from the WAL. */
async function crashPostgres(): Promise<void> {
  const pid = Number(readFileSync(path.join(dir, "postgres", "postmaster.pid"), "utf8").split("\n")[0]);
  process.kill(pid, "SIGQUIT");
  for (let i = 0; i < 200; i++) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await sleep(50);
  }
  throw new Error("postgres did not stop after SIGQUIT");
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), "vellum-pg-restart-"));
  chmodSync(dir, 0o755);
  pgPort = await freePort();
  server = await startPostgres();
  await ensureDatabase(server.url("postgres"), "vellum");
  vellum = await startVellum({ DATABASE_URL: server.url("vellum"), VELLUM_DB_POOL_SIZE: "10" });
}, 120_000);

afterAll(async () => {
  await stopVellum(vellum);
  await server?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

interface Deposit {
  key: string;
  title: string;
  owner: string;
  /** the acknowledged record (201), if any */
  acked?: { eprintid: number; body: any };
}
interface Edit {
  eprintid: number;
  rev: number;
  title: string;
}

const ARTICLE = { type: "article", subjects: ["QA75"], date: "2024-02-29", ispublished: "pub", refereed: true, abstract: "Written while the database restarts." };

describe("PostgreSQL restarted under load", () => {
  it("answers 503 + Retry-After while it is away, recovers by itself, and loses no acknowledged write", async () => {
    const base = vellum!.base;
    const users = [await makeUser(base, "dep1"), await makeUser(base, "dep2"), await makeUser(base, "dep3"), await makeUser(base, "dep4")];

    const deposits: Deposit[] = [];
    const edits: Edit[] = [];
    const statuses = new Map<number, number>();
    const bad: string[] = [];
    let unavailable = 0;
    const note = (a: Answer, what: string) => {
      statuses.set(a.status, (statuses.get(a.status) ?? 0) + 1);
      if (a.status === 503) {
        unavailable++;
        if (!isProperUnavailable(a)) bad.push(`${what}: improper 503 ${a.headers.get("content-type")} ${a.headers.get("retry-after")} ${a.text.slice(0, 200)}`);
      } else if (![200, 201, 304, 412].includes(a.status) && !(a.status === 404 && what.startsWith("anonymous"))) {
        bad.push(`${what}: ${a.status} ${a.text.slice(0, 300)}`);
      }
      return a;
    };

    // a deposit with a key, retried (same key, same body) on 503 until it is answered
    async function deposit(owner: { token: string }, n: number): Promise<Deposit | undefined> {
      const key = randomUUID();
      const d: Deposit = { key, title: `Deposit ${key}`, owner: owner.token };
      deposits.push(d);
      for (let attempt = 0; attempt < 40; attempt++) {
        const a = note(await call(base, "POST", "/api/eprints", { token: owner.token, body: { ...ARTICLE, title: d.title }, headers: { "idempotency-key": key } }), `deposit ${n}`);
        if (a.status === 201) {
          d.acked = { eprintid: a.json().eprintid, body: a.json() };
          return d;
        }
        if (a.status !== 503) return undefined;
        await sleep(100);
      }
      return undefined;
    }

    async function edit(owner: { token: string }, d: Deposit, n: number): Promise<void> {
      const id = d.acked!.eprintid;
      const got = note(await call(base, "GET", `/api/eprints/${id}`, { token: owner.token }), `read ${n}`);
      if (got.status !== 200) return;
      const title = `${d.title} edit ${n}`;
      const a = note(
        await call(base, "PATCH", `/api/eprints/${id}`, { token: owner.token, body: { title }, type: "application/merge-patch+json", headers: { "if-match": got.headers.get("etag")! } }),
        `edit ${n}`,
      );
      if (a.status === 200) edits.push({ eprintid: id, rev: a.json().rev_number, title });
    }

    let stop = false;
    async function worker(w: number): Promise<void> {
      const owner = users[w % users.length]!;
      const mine: Deposit[] = [];
      for (let n = 0; n < 5000 && !stop; n++) {
        if (n % 3 === 0 || mine.length === 0) {
          const d = await deposit(owner, n);
          if (d) mine.push(d);
        } else if (n % 3 === 1) {
          await edit(owner, mine[n % mine.length]!, n);
        } else {
          note(await call(base, "GET", `/api/eprints?limit=5`, { token: owner.token }), `list ${n}`);
          note(await call(base, "GET", `/api/eprints/${mine[n % mine.length]!.acked!.eprintid}`), `anonymous read ${n}`);
        }
      }
    }

    // how long after PostgreSQL is back until Vellum answers a write again
    async function firstWriteAfter(since: number): Promise<number> {
      for (;;) {
        const a = await call(base, "POST", "/api/eprints", { token: users[0]!.token, body: { ...ARTICLE, title: `Probe ${randomUUID()}` } });
        if (a.status === 201) {
          deposits.push({ key: "probe", title: a.json().title, owner: users[0]!.token, acked: { eprintid: a.json().eprintid, body: a.json() } });
          return Date.now() - since;
        }
        await sleep(20);
      }
    }

    const workers = Array.from({ length: 8 }, (_, w) => worker(w));
    const recovery: number[] = [];
    const outage: { kind: string; down: number; unavailable: number }[] = [];
    for (const kind of ["fast", "immediate"] as const) {
      const c0 = [...statuses.values()].reduce((a, b) => a + b, 0);
      await sleep(1500);
      console.log("ops in 1.5 s before the outage", [...statuses.values()].reduce((a, b) => a + b, 0) - c0);
      const before = unavailable;
      const t0 = Date.now();
      if (kind === "fast") await server!.stop();
      else await crashPostgres();
      await sleep(2500);
      server = await startPostgres();
      const back = Date.now();
      recovery.push(await firstWriteAfter(back));
      outage.push({ kind, down: back - t0, unavailable: unavailable - before });
    }
    await sleep(1500);
    stop = true;
    await Promise.all(workers);

    const acked = deposits.filter((d) => d.acked);
    console.log(JSON.stringify({ statuses: Object.fromEntries(statuses), recovery, outage, deposits: deposits.length, acked: acked.length, edits: edits.length }));
    expect(bad.slice(0, 10)).toEqual([]);
    for (const o of outage) expect(o.unavailable, `${o.kind}: some requests must have met the outage`).toBeGreaterThan(0);
    for (const r of recovery) expect(r).toBeLessThan(10_000);

    // nothing acknowledged is lost: every 201 is stored as answered, every 200 is in the history
    const db = new pg.Client({ connectionString: server!.url("vellum") });
    await db.connect();
    try {
      const { rows } = await db.query("SELECT eprintid, data, rev_number FROM eprint");
      const stored = new Map(rows.map((r) => [r.eprintid as number, r]));
      for (const d of acked) {
        const row = stored.get(d.acked!.eprintid);
        expect(row, `deposit ${d.key} (eprint ${d.acked!.eprintid}) was acknowledged`).toBeDefined();
        const first = await db.query("SELECT data FROM eprint_revision WHERE eprintid = $1 AND rev_number = 1", [d.acked!.eprintid]);
        expect(first.rows[0].data).toEqual(d.acked!.body);
      }
      // one record per key, however often it was retried
      const byTitle = new Map<string, number>();
      for (const r of rows) byTitle.set(r.data.title.replace(/ edit \d+$/, ""), (byTitle.get(r.data.title.replace(/ edit \d+$/, "")) ?? 0) + 1);
      for (const d of deposits) expect(byTitle.get(d.title) ?? 0, d.title).toBeLessThanOrEqual(1);
      for (const d of acked) expect(byTitle.get(d.title)).toBe(1);
      // every acknowledged edit is the revision it was answered as
      for (const e of edits) {
        const rev = await db.query("SELECT data->>'title' AS title FROM eprint_revision WHERE eprintid = $1 AND rev_number = $2", [e.eprintid, e.rev]);
        expect(rev.rows[0]?.title, `edit ${e.eprintid}@${e.rev}`).toBe(e.title);
        expect(stored.get(e.eprintid)!.rev_number).toBeGreaterThanOrEqual(e.rev);
      }
      // revision numbers have no gaps: 1..rev_number for every record
      const gaps = await db.query(
        "SELECT e.eprintid FROM eprint e JOIN eprint_revision r USING (eprintid) GROUP BY e.eprintid, e.rev_number HAVING count(*) <> e.rev_number OR max(r.rev_number) <> e.rev_number",
      );
      expect(gaps.rows).toEqual([]);
      console.log(JSON.stringify({ checkedRecords: acked.length, checkedEdits: edits.length, storedRecords: rows.length }));
    } finally {
      await db.end();
    }
  }, 180_000);
});
