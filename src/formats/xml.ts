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

const XML_SPECIAL = /[&<>"']/;
const XML_SPECIALS = /[&<>"']/g;

export function escapeXml(s: string): string {
  // most values need nothing: test first, so they are used without a copy
  return XML_SPECIAL.test(s)
    ? s.replace(XML_SPECIALS, (c) => (c === "&" ? "&amp;" : c === "<" ? "&lt;" : c === ">" ? "&gt;" : c === '"' ? "&quot;" : "&apos;"))
    : s;
}

/** `\n` and two spaces per level: what goes before every start tag and before the end tag of an element of elements. */
const INDENT: string[] = [];
const indent = (depth: number) => (INDENT[depth] ??= `\n${"  ".repeat(depth)}`);

const leaf = (depth: number, name: string, text: string) => `${indent(depth)}<${name}>${escapeXml(text)}</${name}>`;

function valueXml(depth: number, tag: string, def: FieldDef, value: unknown): string {
  const pad = indent(depth);
  if (def.type === "name") {
    const n = value as Record<string, string | undefined>;
    let out = `${pad}<${tag}>`;
    for (const part of NAME_PARTS) if (isSet(n[part])) out += leaf(depth + 1, part, n[part]!);
    return `${out}${pad}</${tag}>`;
  }
  if (def.type === "compound") {
    const v = value as Record<string, unknown>;
    let out = `${pad}<${tag}>`;
    for (const sub of exportedSubfields(def)) {
      if (isSet(v[sub.name])) out += valueXml(depth + 1, sub.name, sub, v[sub.name]);
    }
    return `${out}${pad}</${tag}>`;
  }
  return leaf(depth, tag, lexical(value));
}

function fieldXml(depth: number, def: FieldDef, value: unknown): string {
  if (!def.multiple) return valueXml(depth, def.name, def, value);
  const pad = indent(depth);
  let out = `${pad}<${def.name}>`;
  for (const item of value as unknown[]) out += valueXml(depth + 1, "item", def, item);
  return `${out}${pad}</${def.name}>`;
}

/** One `<eprint>` element at depth 1, without the envelope. */
export function eprintElement(record: EPrint, ctx: FormatContext, fields: readonly FieldDef[] = publicFields(ctx.options)): string {
  let out = `${indent(1)}<eprint id='${escapeXml(`${ctx.repo.baseUrl}/id/eprint/${record.eprintid}`)}'>`;
  const r = record as Record<string, unknown>;
  for (const def of fields) {
    if (!def.exported) continue;
    const v = r[def.name];
    if (!isSet(v)) continue;
    out += fieldXml(2, def, v);
  }
  return `${out}${indent(1)}</eprint>`;
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
