/**
 * EP3 XML (EPrints::Plugin::Export::XML): the lossless exchange format. Written by hand
 * rather than with xmlbuilder because EPrints' byte layout is specific: single-quoted
 * attributes, &apos; and &quot; in text, and a newline-plus-indent before every start tag
 * and before the end tag of every element that holds no text (REFERENCE.md §2.1).
 *
 * Divergence, documented: EPrints 3.4.6+ writes the text value "0" as an empty element
 * (a regression); Vellum writes `0`, as earlier EPrints did, so no data is lost.
 */
import { publicFields, type FieldDef } from "../records/fields.js";
import type { EPrint } from "../records/schema.js";
import type { ExportFormat, FormatContext } from "./types.js";
import { NAME_PARTS, exportedSubfields, isSet, lexical } from "./lexical.js";

export const EP2_NS = "http://eprints.org/ep2/data/2.0";

export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) =>
    c === "&" ? "&amp;" : c === "<" ? "&lt;" : c === ">" ? "&gt;" : c === '"' ? "&quot;" : "&apos;",
  );
}

class Writer {
  out: string[] = [];
  leaf(depth: number, name: string, text: string) {
    this.out.push(`\n${"  ".repeat(depth)}<${name}>${escapeXml(text)}</${name}>`);
  }
  open(depth: number, name: string, attrs = "") {
    this.out.push(`\n${"  ".repeat(depth)}<${name}${attrs}>`);
  }
  close(depth: number, name: string) {
    this.out.push(`\n${"  ".repeat(depth)}</${name}>`);
  }
}

function writeValue(w: Writer, depth: number, tag: string, def: FieldDef, value: unknown) {
  if (def.type === "name") {
    w.open(depth, tag);
    const n = value as Record<string, string | undefined>;
    for (const part of NAME_PARTS) if (isSet(n[part])) w.leaf(depth + 1, part, n[part]!);
    w.close(depth, tag);
  } else if (def.type === "compound") {
    w.open(depth, tag);
    const v = value as Record<string, unknown>;
    for (const sub of exportedSubfields(def)) {
      if (isSet(v[sub.name])) writeValue(w, depth + 1, sub.name, sub, v[sub.name]);
    }
    w.close(depth, tag);
  } else {
    w.leaf(depth, tag, lexical(value));
  }
}

function writeField(w: Writer, depth: number, def: FieldDef, value: unknown) {
  if (!def.multiple) return writeValue(w, depth, def.name, def, value);
  w.open(depth, def.name);
  for (const item of value as unknown[]) writeValue(w, depth + 1, "item", def, item);
  w.close(depth, def.name);
}

/** One `<eprint>` element at depth 1, without the envelope. */
export function eprintElement(record: EPrint, ctx: FormatContext, fields: readonly FieldDef[] = publicFields(ctx.options)): string {
  const w = new Writer();
  w.open(1, "eprint", ` id='${escapeXml(`${ctx.repo.baseUrl}/id/eprint/${record.eprintid}`)}'`);
  const r = record as Record<string, unknown>;
  for (const def of fields) {
    if (!def.exported) continue;
    const v = r[def.name];
    if (!isSet(v)) continue;
    writeField(w, 2, def, v);
  }
  w.close(1, "eprint");
  return w.out.join("");
}

export const XML_HEAD = `<?xml version='1.0' encoding='utf-8'?>\n<eprints xmlns='${EP2_NS}'>`;
export const XML_TAIL = "\n</eprints>\n";

export const xmlFormat: ExportFormat = {
  id: "XML",
  label: "EP3 XML",
  mediaType: "application/vnd.eprints.data+xml; charset=utf-8",
  extension: ".xml",
  aliases: ["application/vnd.eprints.data+xml", "text/xml", "application/xml"],
  signposting: true,
  qs: 0.8,
  visibility: "all",
  serialize: (record, ctx) => XML_HEAD + eprintElement(record, ctx) + XML_TAIL,
  list: {
    head: () => XML_HEAD,
    item: (record, ctx) => eprintElement(record, ctx),
    tail: () => XML_TAIL,
  },
};
