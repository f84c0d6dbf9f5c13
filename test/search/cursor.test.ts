/**
 * Cursor walks over more records than one page, for every sort, while records are being
 * inserted: nothing already there is skipped or repeated, and the order is the one a single
 * page would give. Records inserted mid-walk may or may not appear (depending on where they
 * sort), but never twice.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SORTS } from "../../src/records/search.js";
import { testApp, type TestApp } from "../support/app.js";
import { record } from "./seed.js";

let t: TestApp;
const WORDS = ["graph", "network", "protein", "climate", "archive"];
const ORIGINAL = 45;
let nextId = 5000;

/** Some records lack a date, a title or a datestamp; titles vary in case and accents. */
function generated(n: number) {
  return Array.from({ length: n }, () => {
    const id = nextId++;
    const i = id % 97;
    return record(id, {
      type: i % 3 === 0 ? "article" : "book",
      title: i % 7 === 0 ? undefined : `${i % 2 ? "É" : "e"}ssay ${String.fromCharCode(97 + (i % 26))} ${WORDS.slice(0, 1 + (i % 5)).join(" ")}`,
      abstract: `About ${WORDS[i % 5]} and graph ${"graph ".repeat(i % 4)}`,
      date: i % 6 === 0 ? undefined : `${2000 + (i % 5)}-0${1 + (i % 9)}`,
      lastmod: `2025-0${1 + (i % 3)}-1${i % 10} 10:00:00`,
      datestamp: i % 5 === 0 ? undefined : `2024-0${1 + (i % 4)}-01 00:00:00`,
    });
  });
}

beforeAll(async () => {
  t = await testApp();
  await t.services.eprints.insertBatch(generated(ORIGINAL), null);
});
afterAll(async () => t?.close());

async function page(qs: string) {
  const res = await t.request({ method: "GET", url: `/api/eprints?${qs}` });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as { items: { eprintid: number }[]; next: string | null; total: number };
}

describe("cursor walks while records are inserted", () => {
  it.each(SORTS.map((s) => [s]))("sort=%s", async (sort) => {
    const base = `sort=${sort}${sort === "relevance" ? "&q=graph" : ""}`;
    const before = (await page(`${base}&limit=1000`)).items.map((r) => r.eprintid);
    expect(before.length).toBeGreaterThan(30);
    const originals = new Set(before);
    const seen: number[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const p = await page(`${base}&limit=7${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
      expect(p.items.length).toBeLessThanOrEqual(7);
      seen.push(...p.items.map((r) => r.eprintid));
      if (pages === 1 || pages === 3) await t.services.eprints.insertBatch(generated(6), null);
      cursor = p.next;
      pages++;
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.filter((id) => originals.has(id))).toEqual(before);
    expect(pages).toBeGreaterThanOrEqual(Math.ceil(before.length / 7));
  });

  it("gives a walk of 1,000 records in pages of 1,000 at most, and a next of null at the end", async () => {
    await t.services.eprints.insertBatch(generated(1000), null);
    const first = await page("limit=1000&sort=-date");
    expect(first.items).toHaveLength(1000);
    expect(first.next).not.toBeNull();
    const rest = await page(`limit=1000&sort=-date&cursor=${encodeURIComponent(first.next!)}`);
    expect(rest.next).toBeNull();
    expect(first.items.length + rest.items.length).toBe(first.total);
  });
});
