/**
 * Focused serialiser benchmark: N generated records (the bench dataset's first N, read
 * through the EP3 XML reader and the record schema as the store holds them) rendered by
 * each format's list form, and the OAI metadata form, in records/s. No database.
 *
 *   npx tsx bench/formats.ts [--records 10000] [--formats XML,BibTeX,CSV,OAI_DC] [--rounds 3]
 *     [--mode list|single|oai|harvest]
 *
 * `single`: each record alone (renderRecord); `oai`: each record's OAI metadata;
 * `harvest`: a whole ListRecords harvest through the OAI provider, pages of 100, over an
 * in-memory store that hands out the records' public JSON (as the database does).
 */
import { readFileSync } from "node:fs";
import { chunksOf, eprintFromNode, readEp3Xml, subjectFromNode } from "../src/formats/ep3-reader.js";
import { renderList, renderRecord } from "../src/formats/export.js";
import { formatById } from "../src/formats/registry.js";
import type { FormatContext } from "../src/formats/types.js";
import { eprintDir } from "../src/records/fields.js";
import { viewFor } from "../src/records/policy.js";
import { EPrintSchema, type EPrint } from "../src/records/schema.js";
import { SubjectTree, type Subject } from "../src/records/subjects.js";
import { DEFAULT_SUBJECTS_FILE } from "../src/services.js";
import { TokenSigner } from "../src/records/cursor.js";
import { OaiProvider } from "../src/oai/provider.js";
import type { OaiItem, OaiStore } from "../src/oai/store.js";
import { oaiFormats } from "../src/formats/registry.js";
import { eprintXml, generateRecord, loadTree, XML_FOOTER, XML_HEADER } from "./generate.js";

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : dflt;
};
const N = Number(arg("records", "10000"));
const FORMATS = arg("formats", "XML,BibTeX,CSV,JSON,OAI_DC").split(",");
const ROUNDS = Number(arg("rounds", "3"));
const MODE = arg("mode", "list"); // list | single

async function main() {
  const subjects: Subject[] = [];
  for await (const item of readEp3Xml(chunksOf(readFileSync(DEFAULT_SUBJECTS_FILE, "utf8")))) subjects.push(subjectFromNode(item.node));
  const ctx: FormatContext = {
    repo: { baseUrl: "https://bench.example.org", repoId: "bench", archiveName: "Bench", host: "bench.example.org", adminEmail: "a@b.org" },
    subjects: new SubjectTree(subjects),
    options: { exportOrcid: false, csvFidelity: "safe" },
    now: () => new Date(0),
  };
  const tree = loadTree();
  let xml = XML_HEADER;
  for (let i = 0; i < N; i++) xml += eprintXml(generateRecord(1, i, tree));
  xml += XML_FOOTER;
  const records: EPrint[] = [];
  for await (const item of readEp3Xml(chunksOf(xml))) {
    const { data } = eprintFromNode(item.node);
    const id = data.eprintid as number;
    const r = EPrintSchema.parse({ rev_number: 1, dir: eprintDir(id), lastmod: "2020-01-01 00:00:00", ...data });
    // as the store yields it: JSON round trip (jsonb), then the anonymous view
    records.push(viewFor({ kind: "anonymous" }, JSON.parse(JSON.stringify(r)) as EPrint));
  }
  async function* iter() {
    for (const r of records) yield r;
  }
  for (const id of FORMATS) {
    const f = formatById(id)!;
    let best = Infinity;
    let bestCpu = Infinity;
    let bytes = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      bytes = 0;
      if (MODE === "harvest") {
        bytes = await harvest(f.oai!.prefix, records, ctx);
      } else if (MODE === "oai") {
        for (const r of records) bytes += f.oaiMetadata!(r, ctx).length;
      } else if (MODE === "single") {
        for (const r of records) bytes += renderRecord(f, r, ctx).length;
      } else {
        for await (const chunk of renderList(f, iter(), ctx)) bytes += chunk.length;
      }
      best = Math.min(best, performance.now() - t0);
      const c = process.cpuUsage(c0);
      bestCpu = Math.min(bestCpu, (c.user + c.system) / 1000);
    }
    // CPU time as well as wall time: on a shared machine the wall time says more about the neighbours
    const rate = (ms: number) => Math.round((N / ms) * 1000).toLocaleString("en");
    console.log(`${id.padEnd(8)} ${MODE}: ${rate(best)} records/s wall (${best.toFixed(0)} ms), ${rate(bestCpu)} records/s of CPU time; ${bytes.toLocaleString("en")} chars`);
  }
}
/** A full ListRecords harvest through the provider over an in-memory store. */
async function harvest(prefix: string, records: EPrint[], ctx: FormatContext): Promise<number> {
  const json = records.map((r) => JSON.stringify(r));
  const position = new Map(records.map((r, i) => [r.eprintid, i]));
  const store = {
    async page(_q: unknown, after: number, limit: number, withRecord: boolean, countAbove: number) {
      const start = after === 0 ? 0 : (position.get(after) ?? -2) + 1;
      const slice = start < 0 ? [] : records.slice(start, start + limit + 1);
      const items: OaiItem[] = slice.slice(0, limit).map((r, k) => ({
        eprintid: r.eprintid,
        deleted: r.eprint_status !== "archive",
        lastmod: new Date(0),
        ispublished: r.ispublished ?? null,
        type: r.type,
        subjects: r.subjects ?? [],
        divisions: r.divisions ?? [],
        ...(withRecord ? { record: JSON.parse(json[start + k]!) as EPrint } : {}),
      }));
      // records are in eprintid order
      let from = records.length;
      while (from > 0 && records[from - 1]!.eprintid > countAbove) from--;
      const count = records.length - from;
      return { items, more: slice.length > limit, count, top: count ? records[records.length - 1]!.eprintid : null };
    },
  } as unknown as OaiStore;
  const provider = new OaiProvider({
    config: { baseUrl: ctx.repo.baseUrl, archiveName: "Bench", adminEmail: "a@b.org", oaiPageSize: 100, oaiSets: ["status", "subjects", "types", "divisions", "driver"] },
    store,
    signer: new TokenSigner("bench-secret-bench-secret-bench-secret"),
    formatContext: async () => ctx,
    formats: oaiFormats,
  });
  let bytes = 0;
  let pairs: [string, string][] = [["verb", "ListRecords"], ["metadataPrefix", prefix]];
  for (;;) {
    const xml = await provider.respond(pairs);
    bytes += Buffer.byteLength(xml);
    const token = /<resumptionToken[^>]*>([^<]+)<\/resumptionToken>/.exec(xml)?.[1];
    if (!token) return bytes;
    pairs = [["verb", "ListRecords"], ["resumptionToken", token]];
  }
}

await main();
