/**
 * SIGTERM under load (a rolling deploy, a container stop). Requests in flight finish; new
 * ones are refused (connection refused, or 503 on a connection that was already open); the
 * process exits as soon as the last in-flight request is done, and in any case within
 * VELLUM_SHUTDOWN_GRACE: a request still running then is cut.
 */
import http from "node:http";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshDatabase } from "../support/app.js";
import { ADMIN_TOKEN, call, ep3Xml, generatedRecord, makeUser, sleep, startVellum, stopVellum, type Answer, type VellumProcess } from "./harness.js";

const XML_TYPE = "application/vnd.eprints.data+xml";
const cleanup: (() => Promise<void>)[] = [];
let database: Awaited<ReturnType<typeof freshDatabase>>;
let db: pg.Client;

beforeAll(async () => {
  database = await freshDatabase();
  cleanup.push(database.drop);
  db = new pg.Client({ connectionString: database.url });
  await db.connect();
  cleanup.push(() => db.end());
});
afterAll(async () => {
  for (const c of cleanup.reverse()) await c().catch(() => {});
});

/**
 * An import whose body arrives slowly: `parts` pieces, one every `everyMs`. Resolves with
 * the answer, or the network error once the server cuts it.
 */
function slowImport(base: string, token: string, xml: string, parts: number, everyMs: number): Promise<{ status: number; body: string; at: number } | { error: string; at: number }> {
  return new Promise((resolve) => {
    const req = http.request(`${base}/api/import`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": XML_TYPE } }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (d) => (body += d));
      res.on("end", () => resolve({ status: res.statusCode!, body, at: Date.now() }));
      res.on("error", (e) => resolve({ error: (e as NodeJS.ErrnoException).code ?? String(e), at: Date.now() }));
    });
    req.on("error", (e) => resolve({ error: (e as NodeJS.ErrnoException).code ?? String(e), at: Date.now() }));
    const size = Math.ceil(xml.length / parts);
    let i = 0;
    const next = () => {
      if (req.destroyed) return;
      if (i >= parts) return void req.end();
      req.write(xml.slice(i * size, (i + 1) * size));
      i++;
      setTimeout(next, everyMs);
    };
    next();
  });
}

interface Sent {
  at: number;
  done: number;
  what: string;
  answer: Answer;
}

describe("SIGTERM", () => {
  it("under load: in-flight requests finish, new ones are refused, the process exits when they are done", async () => {
    const GRACE = 15;
    const p = await startVellum({ DATABASE_URL: database.url, VELLUM_SHUTDOWN_GRACE: String(GRACE) });
    cleanup.push(() => stopVellum(p));
    const alice = await makeUser(p.base, "alice");
    const seed = await call(p.base, "POST", "/api/import?preserve=ids", {
      token: ADMIN_TOKEN,
      body: ep3Xml(Array.from({ length: 1500 }, (_, i) => generatedRecord(i, 1 + i))),
      type: XML_TYPE,
    });
    expect(seed.status).toBe(200);

    const sent: Sent[] = [];
    let stop = false;
    async function worker(w: number) {
      for (let n = 0; n < 100_000 && !stop; n++) {
        const at = Date.now();
        const what = ["deposit", "read", "list", "deposit", "read", "list", "read", "export"][(w + n) % 8]!;
        const answer =
          what === "deposit"
            ? await call(p.base, "POST", "/api/eprints", { token: alice.token, body: { type: "article", title: `Shutdown ${w}.${n}` } })
            : what === "read"
              ? await call(p.base, "GET", `/api/eprints/${1 + ((w * 97 + n) % 1500)}`, { token: ADMIN_TOKEN })
              : what === "export"
                ? await call(p.base, "GET", "/api/export/XML")
                : await call(p.base, "GET", `/api/eprints?limit=20`, { token: alice.token });
        sent.push({ at, done: Date.now(), what, answer });
        // refused at the door: try again a little later, as a client of one instance would
        if (answer.status === 0 || answer.status === 503) await sleep(50);
      }
    }
    const workers = Array.from({ length: 8 }, (_, w) => worker(w));
    // an import that is still receiving its body when SIGTERM comes, and for 3 s after
    const slow = slowImport(p.base, alice.token, ep3Xml(Array.from({ length: 300 }, (_, i) => generatedRecord(5000 + i, 5000 + i))), 16, 300);
    await sleep(2000);
    const term = Date.now();
    p.child.kill("SIGTERM");
    const exit = await p.exited;
    stop = true;
    await Promise.all(workers);
    const imported = await slow;

    // the in-flight import finished and was answered in full
    expect("status" in imported && imported.status, JSON.stringify(imported).slice(0, 300)).toBe(200);
    const report = JSON.parse((imported as { body: string }).body);
    expect(report.created).toHaveLength(300);
    expect(report.failed).toEqual([]);
    expect((await db.query("SELECT count(*)::int AS n FROM eprint WHERE eprintid = ANY($1::int[])", [report.created])).rows[0].n).toBe(300);

    // it exited cleanly, soon after the last in-flight request, well within the grace period
    expect(exit.code, p.output()).toBe(0);
    expect(p.output()).toMatch(/stopped cleanly/);
    expect(exit.at - imported.at).toBeLessThan(2000);
    expect(exit.at - term).toBeLessThan(GRACE * 1000);

    // every request either completed normally or was refused; none was broken or failed
    // a request sent in the few milliseconds the signal takes to be handled may still be served
    const before = sent.filter((s) => s.at < term);
    const after = sent.filter((s) => s.at >= term + 200);
    const refused = (a: Answer) => (a.status === 0 && ["ECONNREFUSED", "ECONNRESET", "UND_ERR_SOCKET"].includes(a.text)) || a.status === 503;
    for (const s of sent) {
      const ok = [200, 201].includes(s.answer.status);
      expect(ok || refused(s.answer), `${s.what} at ${s.at - term} ms: ${s.answer.status} ${s.answer.text.slice(0, 200)}`).toBe(true);
      // a refusal on an open connection says what it is: problem+json, retry soon
      if (s.answer.status === 503) expect(JSON.parse(s.answer.text).type, s.answer.text.slice(0, 200)).toBe("/problems/unavailable");
      if (s.what === "export" && ok) expect(s.answer.text.trimEnd().endsWith("</eprints>"), "a complete export").toBe(true);
      if (s.what === "deposit" && s.answer.status === 201) {
        const row = await db.query("SELECT data->>'title' AS title FROM eprint WHERE eprintid = $1", [s.answer.json().eprintid]);
        expect(row.rows[0]?.title).toBe(s.answer.json().title);
      }
    }
    expect(after.length, "clients kept trying after SIGTERM").toBeGreaterThan(0);
    const inFlight = before.filter((s) => s.done > term && [200, 201].includes(s.answer.status));
    for (const s of after) expect(refused(s.answer), `${s.what} sent ${s.at - term} ms after SIGTERM: ${s.answer.status}`).toBe(true);
    const tally = (list: Sent[]) => list.reduce<Record<string, number>>((m, s) => ((m[s.answer.status || s.answer.text] = (m[s.answer.status || s.answer.text] ?? 0) + 1), m), {});
    console.log(JSON.stringify({ beforeSigterm: tally(before), inFlightAtSigtermCompleted: inFlight.length + 1, afterSigterm: tally(after), exitAfterSigtermMs: exit.at - term, exitAfterLastInFlightMs: exit.at - imported.at }));
  }, 120_000);

  it("cuts a request still running at the end of the grace period and exits within it", async () => {
    const GRACE = 3;
    const p = await startVellum({ DATABASE_URL: database.url, VELLUM_SHUTDOWN_GRACE: String(GRACE) });
    cleanup.push(() => stopVellum(p));
    // 600 records sent over 60 s: far longer than the grace period
    const endless = slowImport(p.base, ADMIN_TOKEN, ep3Xml(Array.from({ length: 600 }, (_, i) => generatedRecord(9000 + i, 9000 + i))), 200, 300);
    await sleep(1000);
    const term = Date.now();
    p.child.kill("SIGTERM");
    const exit = await p.exited;
    const cut = await endless;
    expect("error" in cut, JSON.stringify(cut).slice(0, 200)).toBe(true);
    expect(exit.at - term).toBeLessThanOrEqual(GRACE * 1000 + 250);
    expect(exit.at - term).toBeGreaterThanOrEqual((GRACE - 2) * 1000);
    expect(p.output()).toMatch(/grace period/);
    console.log(JSON.stringify({ grace: GRACE, exitAfterSigtermMs: exit.at - term, code: exit.code }));
  }, 60_000);
});
