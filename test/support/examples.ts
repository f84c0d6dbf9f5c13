/**
 * The seven records of the EPrints examples, in the state EPrints exported them:
 * input.xml imported keeping ids and dates (rev_number 1), then 113 retired on
 * 2016-01-01 12:00:00 (rev_number 2). Plus the repository they came from (`kar`).
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { EPrintSchema, type EPrint } from "../../src/records/schema.js";
import { SubjectTree, type Subject } from "../../src/records/subjects.js";
import { eprintDir } from "../../src/records/fields.js";
import { chunksOf, eprintFromNode, readEp3Xml, subjectFromNode } from "../../src/formats/ep3-reader.js";
import type { FormatContext } from "../../src/formats/types.js";

export const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "fixtures", "eprints");
export const EXAMPLE_IDS = [112479, 101, 102, 104, 108, 109, 113] as const;
/** The list examples exist for every record but the retired 113. */
export const LIST_EXAMPLE_IDS = [112479, 101, 102, 104, 108, 109] as const;

export function fixture(rel: string): string {
  return readFileSync(path.join(FIXTURES, rel), "utf8").replace(/^\uFEFF/, "");
}

export async function loadSubjects(): Promise<Subject[]> {
  const out: Subject[] = [];
  for await (const item of readEp3Xml(chunksOf(fixture("subjects.xml")))) out.push(subjectFromNode(item.node));
  return out;
}

export async function exampleRecords(): Promise<Map<number, EPrint>> {
  const out = new Map<number, EPrint>();
  for await (const item of readEp3Xml(chunksOf(fixture("input.xml")))) {
    const { data, issues } = eprintFromNode(item.node);
    if (issues.length) throw new Error(`input.xml record ${item.position}: ${JSON.stringify(issues)}`);
    const id = data.eprintid as number;
    const record: Record<string, unknown> = { ...data, rev_number: 1, dir: eprintDir(id) };
    if (id === 113) {
      Object.assign(record, {
        eprint_status: "deletion",
        rev_number: 2,
        lastmod: "2016-01-01 12:00:00",
        status_changed: "2016-01-01 12:00:00",
      });
    }
    out.set(id, EPrintSchema.parse(record));
  }
  return out;
}

export async function exampleContext(): Promise<FormatContext> {
  return {
    repo: {
      baseUrl: "https://kar.kent.ac.uk",
      repoId: "kar",
      archiveName: "Kent Academic Repository",
      host: "kar.kent.ac.uk",
      adminEmail: "kar-admin@kent.ac.uk",
    },
    subjects: new SubjectTree(await loadSubjects()),
    options: { exportOrcid: false, csvFidelity: "exact" },
    now: () => new Date("2026-11-26T00:31:21Z"),
  };
}
