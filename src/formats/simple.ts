/**
 * Simple Metadata (EPrints::Plugin::Export::Simple): one `name: value` line per value of every
 * public field, in dataset order, then the plain-text citation and a blank line. Compound
 * fields are written by sub-field (`creators_name`, `related_url_url`, ...), each sub-field
 * listing its values across all rows; names are "Family, Given" even when a part is
 * missing ("Anonymous, "). Values are written as stored: newlines are kept.
 *
 * Documents are not part of the canonical record yet, so the `document_url` lines EPrints
 * writes after the citation are absent (the example records have none).
 */
import { publicFields, type FieldDef } from "../records/fields.js";
import type { EPrint, Name } from "../records/schema.js";
import type { ExportFormat, FormatContext } from "./types.js";
import { citationText } from "./citation.js";
import { exportedSubfields, isSet, lexical } from "./lexical.js";

/** Perl's `$x || ""`: an unset part and "0" both print as nothing. */
const orEmpty = (s: string | undefined) => (s === undefined || s === "0" ? "" : s);

function valueLines(name: string, def: FieldDef, value: unknown, multiple: boolean): string[] {
  if (!isSet(value)) return [];
  if (!multiple) return [`${name}: ${lexical(value)}`];
  return (value as unknown[]).flatMap((item) => {
    if (def.type === "name") {
      const n = (item ?? {}) as Name;
      return [`${name}: ${orEmpty(n.family)}, ${orEmpty(n.given)}`];
    }
    return item === undefined ? [] : [`${name}: ${lexical(item)}`];
  });
}

function simpleLines(record: EPrint, ctx: FormatContext): string[] {
  const r = record as Record<string, unknown>;
  const lines: string[] = [];
  for (const def of publicFields(ctx.options)) {
    if (!def.exported) continue;
    const value = r[def.name];
    if (def.type !== "compound") {
      lines.push(...valueLines(def.name, def, value, def.multiple === true));
      continue;
    }
    // A compound is virtual in EPrints; its sub-fields are the dataset's real fields.
    for (const sub of exportedSubfields(def)) {
      const subValue = def.multiple
        ? ((value as Record<string, unknown>[] | undefined) ?? []).map((row) => row[sub.name])
        : (value as Record<string, unknown> | undefined)?.[sub.name];
      lines.push(...valueLines(`${def.name}_${sub.name}`, sub, subValue, def.multiple === true));
    }
  }
  lines.push(`citation: ${citationText(record)}`);
  return lines;
}

export const simpleFormat: ExportFormat = {
  id: "Simple",
  label: "Simple Metadata",
  mediaType: "text/plain; charset=utf-8",
  extension: ".txt",
  visibility: "all",
  serialize: (record, ctx) => simpleLines(record, ctx).map((l) => `${l}\n`).join("") + "\n",
};
