/**
 * Page 1000 costs what page 1 costs: a token is a keyset position (eprintid), so a deep page
 * is one index range scan, never an OFFSET over everything before it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TestApp } from "../support/app.js";
import { exampleApp, expectValid, headersOf, oai, tokenOf } from "./support.js";

const N = 20_000;
/** the generated eprintids start above the examples' */
const S = 200_000;
let t: TestApp;
beforeAll(async () => {
  t = await exampleApp();
  // N copies of record 102 as eprints S.., live
  await t.services.db.pool.query(
    `INSERT INTO eprint (eprintid, rev_number, eprint_status, userid, type, title, date, date_year, ispublished, subjects, divisions, datestamp, lastmod, status_changed, data, public_json)
     SELECT g, rev_number, eprint_status, userid, type, title, date, date_year, ispublished, subjects, divisions, datestamp,
            lastmod + (g || ' seconds')::interval, status_changed, jsonb_set(data, '{eprintid}', to_jsonb(g)), public_json
       FROM eprint, generate_series(${S}, ${S + N - 1}) g WHERE eprintid = 102`,
  );
  await t.services.db.pool.query("VACUUM ANALYZE eprint");
}, 300_000);
afterAll(async () => t?.close());

async function median(f: () => Promise<unknown>, runs = 7): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await f();
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b)[Math.floor(runs / 2)]!;
}

describe(`${N.toLocaleString("en")} records, pages of 100`, () => {
  it.each(["ListIdentifiers", "ListRecords"])("%s: the last page is no slower than the first", async (verb) => {
    const first = await oai(t, { verb, metadataPrefix: "oai_dc" });
    expectValid(first);
    expect(tokenOf(first)!.completeListSize).toBe(N + 7);
    // the token a harvester holds near the end of the list
    const deep = t.services.signer.sign({ t: "oai", verb, metadataPrefix: "oai_dc", after: S + N - 150, cursor: N - 142, exp: Math.floor(Date.now() / 1000) + 3600 });
    const last = await oai(t, { verb, resumptionToken: deep });
    expect(headersOf(last).length).toBe(100);
    expect(tokenOf(last)).toMatchObject({ cursor: N - 142, completeListSize: N + 7 });

    const tFirst = await median(() => oai(t, { verb, metadataPrefix: "oai_dc" }));
    const tDeep = await median(() => oai(t, { verb, resumptionToken: deep }));
    console.log(`${verb}: first page ${tFirst.toFixed(1)} ms, page ${Math.floor((N - 142) / 100)} ${tDeep.toFixed(1)} ms`);
    expect(tDeep).toBeLessThan(tFirst * 1.5 + 20);
  }, 120_000);
});
