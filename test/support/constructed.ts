/**
 * Records built in tests to reach branches the seven examples do not (other types,
 * missing fields, odd characters). Parsed by the canonical schema, so they are records
 * Vellum could really hold.
 */
import { EPrintSchema, type EPrint } from "../../src/records/schema.js";
import { eprintDir } from "../../src/records/fields.js";

export function constructed(fields: Record<string, unknown>): EPrint {
  const eprintid = (fields.eprintid as number | undefined) ?? 9001;
  return EPrintSchema.parse({
    eprintid,
    rev_number: 1,
    eprint_status: "archive",
    dir: eprintDir(eprintid),
    datestamp: "2023-03-04 05:06:07",
    lastmod: "2023-03-05 06:07:08",
    ...fields,
  });
}
