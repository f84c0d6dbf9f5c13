/**
 * Bulk export, GET /api/export/{Plugin}: every visible record matching the list filters,
 * as one list export, read from the database in keyset pages of 500 and streamed.
 */
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatById } from "../../src/formats/registry.js";
import { constructed } from "../support/constructed.js";
import type { TestApp } from "../support/app.js";
import { xmllintErrors } from "../support/xmllint.js";
import { urlsApp } from "./setup.js";

let t: TestApp;
const GENERATED = 1200;
/** Archive records: the six public examples and the generated ones. */
let publicIds: number[];

beforeAll(async () => {
  ({ t } = await urlsApp());
  const ids = Array.from({ length: GENERATED }, (_, i) => 20_000 + i);
  for (let i = 0; i < ids.length; i += 20) {
    await Promise.all(
      ids.slice(i, i + 20).map((id) =>
        t.services.eprints.putPreserved(
          constructed({
            eprintid: id,
            type: id % 3 === 0 ? "book" : "article",
            title: `Generated record ${id}: "quotes", commas, and a line\nbreak`,
            creators: [{ name: { family: `Family${id}`, given: "Given" }, id: `person${id}@example.org` }],
            keywords: "=SUM(A1:A2)",
            date: "2020",
            lastmod: id % 2 === 0 ? "2024-06-01 00:00:00" : "2023-03-05 06:07:08",
          }),
          null,
        ),
      ),
    );
  }
  publicIds = [101, 102, 104, 108, 109, 112479, ...ids].sort((a, b) => a - b);
}, 120_000);
afterAll(async () => t?.close());

/** Counts the keyset page queries the export runs. */
async function countingPages<T>(fn: () => Promise<T>): Promise<{ result: T; pages: string[] }> {
  const pool = t.services.db.readPool;
  const original = pool.query.bind(pool);
  const pages: string[] = [];
  (pool as { query: unknown }).query = (...args: unknown[]) => {
    if (typeof args[0] === "string" && /FROM eprint\b/.test(args[0]) && /LIMIT \d+/.test(args[0])) pages.push(args[0]);
    return (original as (...a: unknown[]) => unknown)(...args);
  };
  try {
    return { result: await fn(), pages };
  } finally {
    (pool as { query: unknown }).query = original;
  }
}

describe("bulk export", () => {
  it("streams every public record once, in id order, as Object IDs, reading pages of 500", async () => {
    const { result: res, pages } = await countingPages(() => t.request({ method: "GET", url: "/api/export/Ids" }));
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toBe(formatById("Ids")!.mediaType);
    expect(res.body.trimEnd().split("\n").map(Number)).toEqual(publicIds);
    expect(pages.length).toBe(Math.ceil(publicIds.length / 500));
    // keyset pages of 500 (one extra row tells whether another page follows)
    for (const sql of pages) expect(sql).toMatch(/ORDER BY .*eprintid.* LIMIT 501\b/s);
  });

  it("writes CSV with exactly one header row and every record's rows together", async () => {
    const res = await t.request({ method: "GET", url: "/api/export/CSV" });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toBe("text/csv; charset=utf-8");
    const rows: string[][] = parse(res.body, { relax_quotes: false, relax_column_count: false });
    expect(rows.filter((r) => r[0] === "eprintid")).toHaveLength(1);
    expect(rows[0]![0]).toBe("eprintid");
    const ids: number[] = [];
    for (const r of rows.slice(1)) if (Number(r[0]) !== ids[ids.length - 1]) ids.push(Number(r[0]));
    expect(ids).toEqual(publicIds);
    // safe mode by default: a formula is neutralised
    expect(res.body).not.toMatch(/(^|,)"=SUM/m);
    // creator ids never reach a public export
    expect(res.body).not.toContain("@example.org");
  });

  it("writes one JSON array and one EP3 XML document", async () => {
    const json = await t.request({ method: "GET", url: "/api/export/JSON" });
    expect(json.headers["content-type"]).toBe("application/json; charset=utf-8");
    const items = JSON.parse(json.body) as { eprintid: number }[];
    expect(items.map((i) => i.eprintid)).toEqual(publicIds);
    const xml = await t.request({ method: "GET", url: "/api/export/XML" });
    expect(xmllintErrors(xml.body)).toBe("");
    expect(xml.body.match(/<\?xml /g)).toHaveLength(1);
    expect([...xml.body.matchAll(/<eprint id='[^']*\/id\/eprint\/(\d+)'>/g)].map((m) => Number(m[1]))).toEqual(publicIds);
  });

  it("wraps JSON as JSONP with ?callback=", async () => {
    const res = await t.request({ method: "GET", url: "/api/export/JSON?type=book&callback=cb" });
    expect(res.body.startsWith("cb([\n")).toBe(true);
    expect(res.body.endsWith(");\n")).toBe(true);
    expect(res.headers["content-type"]).toBe("application/javascript; charset=utf-8");
  });

  it("takes the list route's filters", async () => {
    const ids = async (q: string, as?: "admin") =>
      (await t.request({ method: "GET", url: `/api/export/Ids?${q}`, as })).body.split("\n").filter(Boolean).map(Number);
    const books = await ids("type=book");
    expect(books.length).toBe(GENERATED / 3 + (await t.services.db.pool.query("SELECT count(*)::int AS n FROM eprint WHERE type='book' AND eprint_status='archive' AND eprintid < 20000")).rows[0].n);
    const recent = await ids("since=2024-01-01");
    const generated = (id: number) => id >= 20_000 && id < 20_000 + GENERATED;
    expect(recent.filter(generated)).toEqual(publicIds.filter((id) => generated(id) && id % 2 === 0));
    const examples = await t.services.db.pool.query(
      "SELECT eprintid FROM eprint WHERE lastmod >= '2024-01-01' AND eprint_status = 'archive' AND eprintid < 20000 OR eprintid = 112479 AND lastmod >= '2024-01-01' ORDER BY eprintid",
    );
    expect(recent.filter((id) => !generated(id))).toEqual(examples.rows.map((r) => r.eprintid));
    expect(await ids("eprint_status=deletion")).toEqual([]);
    expect(await ids("eprint_status=deletion", "admin")).toEqual([113]);
    const mine = await t.services.db.pool.query("SELECT eprintid FROM eprint WHERE userid = 2 AND type = 'article' AND eprint_status = 'archive' ORDER BY eprintid");
    expect(mine.rows.length).toBeGreaterThan(0);
    expect(await ids("userid=2&type=article")).toEqual(mine.rows.map((r) => r.eprintid));
  });

  it("answers an empty list with the format's empty list", async () => {
    const res = await t.request({ method: "GET", url: "/api/export/JSON?since=2099-01-01" });
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body)).toEqual([]);
  });

  it("answers bad filters with 400 and unknown or hidden formats with 404, as problem+json", async () => {
    for (const q of ["type=blogpost", "since=yesterday", "limit=5", "userid=-1", "eprint_status=lost"]) {
      const res = await t.request({ method: "GET", url: `/api/export/CSV?${q}` });
      expect(res.statusCode, q).toBe(400);
      expect(res.headers["content-type"]).toMatch(/^application\/problem\+json/);
    }
    for (const p of ["csv", "NoSuchFormat", "OAI_DC"]) {
      const res = await t.request({ method: "GET", url: `/api/export/${p}` });
      expect(res.statusCode, p).toBe(404);
    }
  });
});

describe("GET /api/eprints?format=", () => {
  it("is the same export as /api/export/{Plugin}", async () => {
    const viaList = await t.request({ method: "GET", url: "/api/eprints?format=Ids&type=book" });
    expect(viaList.statusCode).toBe(200);
    const viaPath = await t.request({ method: "GET", url: "/api/export/Ids?type=book" });
    expect(viaList.body).toBe(viaPath.body);
    expect((await t.request({ method: "GET", url: "/api/eprints?format=Nope" })).statusCode).toBe(400);
  });
});
