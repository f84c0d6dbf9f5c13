/**
 * Focused serialiser benchmark: N generated records (the bench dataset's first N, read
 * through the EP3 XML reader and the record schema as the store holds them) rendered by
 * each format's list form, and the OAI metadata form, in records/s. No database.
 *
 *   npx tsx bench/formats.ts [--records 10000] [--formats XML,BibTeX,CSV,OAI_DC] [--rounds 3]
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
    let bytes = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const t0 = performance.now();
      bytes = 0;
      if (MODE === "oai") {
        for (const r of records) bytes += f.oaiMetadata!(r, ctx).length;
      } else if (MODE === "single") {
        for (const r of records) bytes += renderRecord(f, r, ctx).length;
      } else {
        for await (const chunk of renderList(f, iter(), ctx)) bytes += chunk.length;
      }
      best = Math.min(best, performance.now() - t0);
    }
    console.log(`${id.padEnd(8)} ${MODE}: ${Math.round((N / best) * 1000).toLocaleString("en")} records/s (${best.toFixed(0)} ms, ${bytes.toLocaleString("en")} chars)`);
  }
}
await main();
