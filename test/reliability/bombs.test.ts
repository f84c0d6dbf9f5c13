/**
 * Payloads built to exhaust a parser: XML entity expansion (billion laughs), external
 * entities and DTDs (XXE), 10,000-deep nesting in XML and JSON, and 1 GB bodies streamed
 * over a real socket to a listening server. Each is refused with an error that says why,
 * and the process's memory stays bounded while it happens (RSS is sampled every 10 ms
 * during each 1 GB upload; the body is generated from one reused buffer, never allocated).
 *
 * An import that is refused part-way answers 200 with `aborted` (the import's contract:
 * records before the fault are kept); here nothing comes before it, so `created` is empty.
 */
import http from "node:http";
import { Readable } from "node:stream";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testApp, type TestApp } from "../support/app.js";
import { problemDefect, streamUpload } from "./probes.js";

let t: TestApp;
let port: number;
/** A server the XXE payloads point at: it must never be asked for anything. */
let bait: http.Server;
let baitHits = 0;
let baitPort: number;

beforeAll(async () => {
  t = await testApp({ VELLUM_RATE_LIMIT_ANONYMOUS: "0", VELLUM_RATE_LIMIT_TOKEN: "0" });
  await t.app.listen({ host: "127.0.0.1", port: 0 });
  port = (t.app.server.address() as AddressInfo).port;
  bait = http.createServer((_req, res) => {
    baitHits++;
    res.end('<!ENTITY leak "LEAKED-FROM-BAIT">');
  });
  await new Promise<void>((r) => bait.listen(0, "127.0.0.1", r));
  baitPort = (bait.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise((r) => bait?.close(r));
  await t?.close();
});

const XML = "application/vnd.eprints.data+xml";

async function importXml(doc: string, as: "alice" | "admin" = "alice") {
  const before = await countRecords();
  const res = await t.request({ method: "POST", url: "/api/import", payload: doc, headers: { "content-type": XML }, as });
  expect(res.statusCode, res.body).toBe(200);
  const report = res.json();
  expect(report.created).toEqual([]);
  expect(await countRecords()).toBe(before);
  return report as { created: number[]; aborted?: { message: string; line?: number } };
}

async function countRecords(): Promise<number> {
  const { rows } = await t.services.db.pool.query("SELECT count(*)::int AS n FROM eprint");
  return rows[0].n;
}

describe("XML entity and DTD attacks on /api/import", () => {
  it("refuses a billion-laughs document before expanding anything", async () => {
    const lols = Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i};`.repeat(10)}">`).join("\n ");
    const doc = `<?xml version="1.0"?>\n<!DOCTYPE eprints [\n <!ENTITY lol0 "lol">\n ${lols}\n]>\n<eprints><eprint><type>article</type><title>&lol9;</title></eprint></eprints>`;
    const started = performance.now();
    const report = await importXml(doc);
    expect(report.aborted?.message).toMatch(/DTDs are not accepted/);
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it("refuses a quadratic-blowup document (one large entity referenced many times)", async () => {
    const doc = `<!DOCTYPE eprints [<!ENTITY a "${"x".repeat(50_000)}">]><eprints><eprint><type>article</type><title>${"&a;".repeat(50_000)}</title></eprint></eprints>`;
    expect((await importXml(doc)).aborted?.message).toMatch(/DTD/);
  });

  it.each([
    ["an external general entity (file)", `<!DOCTYPE eprints [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><eprints><eprint><type>article</type><title>&xxe;</title></eprint></eprints>`],
    ["an external general entity (http)", `<!DOCTYPE eprints [<!ENTITY xxe SYSTEM "http://127.0.0.1:BAIT/x">]><eprints><eprint><type>article</type><title>&xxe;</title></eprint></eprints>`],
    ["an external parameter entity", `<!DOCTYPE eprints [<!ENTITY % remote SYSTEM "http://127.0.0.1:BAIT/evil.dtd"> %remote;]><eprints><eprint><type>article</type><title>&leak;</title></eprint></eprints>`],
    ["an external DTD", `<?xml version="1.0"?><!DOCTYPE eprints SYSTEM "http://127.0.0.1:BAIT/eprints.dtd"><eprints><eprint><type>article</type><title>t</title></eprint></eprints>`],
    ["a public DTD", `<!DOCTYPE eprints PUBLIC "-//X//DTD X//EN" "http://127.0.0.1:BAIT/public.dtd"><eprints/>`],
  ])("refuses %s without fetching it", async (_what, template) => {
    const report = await importXml(template.replaceAll("BAIT", String(baitPort)));
    expect(report.aborted?.message).toMatch(/DTDs are not accepted/);
    expect(JSON.stringify(report)).not.toMatch(/root:|LEAKED/);
    expect(baitHits).toBe(0);
  });

  it("refuses an entity that was never declared (no DTD: only XML's five exist)", async () => {
    const report = await importXml(`<eprints><eprint><type>article</type><title>&xxe;</title></eprint></eprints>`);
    expect(report.aborted?.message).toMatch(/malformed XML/);
  });

  it.each(["a&#0;b", "&#xD800;", "&#x1;"])("refuses a character reference to a character XML cannot carry (%s)", async (ref) => {
    const report = await importXml(`<eprints><eprint><type>article</type><title>${ref}</title></eprint></eprints>`);
    expect(report.aborted?.message).toMatch(/malformed XML: Invalid character entity/);
  });
});

describe("XML read in chunks", () => {
  it("keeps a character whose UTF-8 bytes are split between two chunks", async () => {
    const doc = Buffer.from(`<eprints><eprint><type>article</type><title>Müller — Łódź 😀</title></eprint></eprints>`);
    // one byte at a time: every multi-byte character is split
    const chunks = [...doc].map((b) => Buffer.from([b]));
    const res = await t.request({ method: "POST", url: "/api/import", payload: Readable.from(chunks), headers: { "content-type": XML }, as: "alice" });
    expect(res.statusCode, res.body).toBe(200);
    const id = res.json().created[0];
    expect((await t.services.eprints.load(id))?.title).toBe("Müller — Łódź 😀");
  });
});

describe("10,000-deep nesting", () => {
  const depth = 10_000;
  it("is refused inside a record, at depth 64", async () => {
    const doc = `<eprints><eprint>${"<title>".repeat(depth)}x${"</title>".repeat(depth)}</eprint></eprints>`;
    expect((await importXml(doc)).aborted?.message).toMatch(/nested deeper than 64/);
  });

  it("is refused at the root: the document must be <eprints>, <subjects> or <users>", async () => {
    const doc = `${"<a>".repeat(depth)}${"</a>".repeat(depth)}`;
    expect((await importXml(doc)).aborted?.message).toMatch(/root element must be/);
  });

  it.each([
    ["arrays", (d: number) => `${"[".repeat(d)}${"]".repeat(d)}`],
    ["objects", (d: number) => `${'{"a":'.repeat(d)}1${"}".repeat(d)}`],
  ])("in JSON %s is a 400 problem on every JSON route, even 100,000 deep", async (_what, nest) => {
    const { rows } = await t.services.db.pool.query("SELECT eprintid FROM eprint LIMIT 1");
    const id = rows[0]?.eprintid ?? (await t.request({ method: "POST", url: "/api/eprints", as: "alice", payload: { type: "article" } })).json().eprintid;
    for (const d of [10_000, 100_000]) {
      for (const [method, url, as] of [
        ["POST", "/api/eprints", "alice"],
        ["PUT", `/api/eprints/${id}`, "admin"],
        ["PATCH", `/api/eprints/${id}`, "admin"],
        ["POST", `/api/eprints/${id}/status`, "admin"],
        ["POST", "/api/users", "admin"],
        ["POST", `/api/users/${t.users.alice}/tokens`, "alice"],
        ["PUT", "/api/subjects/QA75", "admin"],
      ] as const) {
        for (const body of [nest(d), `{"type":"article","title":${nest(d)},"creators":${nest(d)}}`, `{"title":${nest(d)}}`]) {
          const res = await t.request({ method, url, as, payload: body, headers: { "content-type": "application/json", "if-match": "*" } });
          expect(res.statusCode, `${method} ${url} depth ${d}: ${res.body.slice(0, 200)}`).toBe(400);
          expect(problemDefect(res, method)).toBeUndefined();
        }
      }
    }
  });
});

const GB = 1024 ** 3;
/** RSS may grow this much while 1 GB goes by: a few MiB-sized buffers, one record, a 5 MiB body. */
const RSS_BOUND = 160 * 1024 ** 2;

describe("1 GB bodies over a real socket", () => {
  const bearer = () => ({ authorization: `Bearer ${t.tokens.alice}` });
  const measured: string[] = [];
  afterAll(() => console.log(`1 GB uploads:\n  ${measured.join("\n  ")}`));

  async function upload(name: string, path: string, contentType: string, head: string, unit: string) {
    const r = await streamUpload({ port, path, headers: { ...bearer(), "content-type": contentType }, head, unit, total: GB });
    measured.push(`${name}: ${r.status} after ${(r.sent / 1024 ** 2).toFixed(1)} MiB sent, ${Math.round(r.ms)} ms, RSS growth ${(r.peakRssGrowth / 1024 ** 2).toFixed(1)} MiB`);
    expect(r.peakRssGrowth, name).toBeLessThan(RSS_BOUND);
    // refused long before the end: nobody waits for the whole gigabyte
    expect(r.sent, name).toBeLessThan(GB / 4);
    return r;
  }

  it("to a JSON route: 413 problem+json at the 5 MiB limit", { timeout: 60_000 }, async () => {
    const r = await upload("JSON deposit", "/api/eprints", "application/json", '{"type":"article","title":"', "a");
    expect(r.status).toBe(413);
    expect(r.headers["content-type"]).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(r.body)).toMatchObject({ status: 413, type: "/problems/too-large" });
  });

  it("to the BibTeX import: 413 problem+json at its 64 MiB limit", { timeout: 60_000 }, async () => {
    const r = await upload("BibTeX import", "/api/import", "application/x-bibtex", "", "@article{k, title={a}}\n");
    expect(r.status).toBe(413);
    expect(JSON.parse(r.body)).toMatchObject({ status: 413, detail: expect.stringMatching(/at most 67108864 bytes/) });
  });

  it.each([
    ["one endless text node", "<eprints><eprint><title>", "abcdefgh", /text of <title> exceeds/],
    ["one record with endless children", "<eprints><eprint>", "<note>a</note>", /more than 200000 elements/],
    ["one start tag that never ends (a repeated attribute)", "<eprints><eprint ", 'x="y" ', /start tag longer than/],
    ["endless distinct attributes", "<eprints><eprint ", "", /more than 64 attributes/],
    ["endless records that all fail", "<eprints>", "<eprint><colour>red</colour></eprint>", /1000 records failed/],
    ["endless nesting", "<eprints><eprint>", "<title>", /nested deeper than 64/],
    ["endless junk", "", "\u0000\u0001junk", /malformed XML|root element/],
  ])("to the XML import, %s: refused with a clear error", { timeout: 120_000 }, async (name, head, unit, message) => {
    let body = unit;
    // distinct attribute names, so none is dropped as a duplicate
    if (name === "endless distinct attributes") body = Array.from({ length: 4096 }, (_, i) => `a${i}="v" `).join("");
    const r = await upload(`XML import, ${name}`, "/api/import", XML, head, body);
    expect(r.status, r.body).toBe(200);
    const report = JSON.parse(r.body);
    expect(report.created).toEqual([]);
    expect(report.aborted?.message).toMatch(message);
  });

  it("leaves no connection open once the answers are out (the unread rest is discarded, then closed)", { timeout: 20_000 }, async () => {
    const open = () => new Promise<number>((r) => t.app.server.getConnections((_e, n) => r(n)));
    const deadline = Date.now() + 10_000;
    while ((await open()) > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(await open()).toBe(0);
  });

  it("declaring more than the 2 GiB import limit: 413 before any of it is read", async () => {
    const r = await streamUpload({ port, path: "/api/import", headers: { ...bearer(), "content-type": XML }, head: "", unit: "x", total: 0, declaredLength: 3 * GB });
    expect(r.status).toBe(413);
    expect(r.headers["content-type"]).toMatch(/^application\/problem\+json/);
  });
});
