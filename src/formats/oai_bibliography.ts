/**
 * The reference list of an eprint as oai_dc, one `dc:relation` per reference
 * (flavours/pub_lib/plugins/EPrints/Plugin/Export/OAI_Bibliography.pm, OAI prefix
 * `oai_bibl`). Only OAI-PMH uses it.
 *
 * EPrints prefers a document with content "bibliography" (parsed by an import plugin, or
 * split at blank lines if plain text) and falls back to the `referencetext` field. Vellum
 * records carry no documents yet, so the references always come from `referencetext`,
 * split at blank lines; a record without references gives an empty `oai_dc:dc`.
 */
import type { EPrint } from "../records/schema.js";
import type { ExportFormat } from "./types.js";
import { DC_NS, OAI_DC_NS, OAI_DC_SCHEMA } from "./oai_dc.js";
import { XSI_NS, el, eprintsString, libxmlString, textEl, type XmlNode } from "./xml-tree.js";


/** Perl's split on blank lines: a leading empty piece is kept, trailing empty ones are dropped. */
export function references(text: string | undefined): string[] {
  if (text === undefined) return [];
  const parts = text.split(/\s*\n\s*\n+/);
  while (parts.length && parts[parts.length - 1] === "") parts.pop();
  return parts;
}

/** `dc:` children as EPrints' render_data_element writes them: each after a newline and 8 spaces. */
export function indentedDc(pairs: readonly (readonly [string, string])[]): XmlNode[] {
  return pairs.flatMap(([name, value]) => ["\n        ", textEl(`dc:${name}`, value)]);
}

function bibliography(r: EPrint, inOai: boolean) {
  const children = indentedDc(references(r.referencetext).map((ref) => ["relation", ref] as const));
  const ns: [string, string][] = [
    ["oai_dc", OAI_DC_NS],
    ["dc", DC_NS],
  ];
  if (!inOai) ns.push(["xsi", XSI_NS]);
  return el("oai_dc:dc", [["xsi:schemaLocation", `${OAI_DC_NS} ${OAI_DC_SCHEMA}`]], children, ns);
}

export const oaiBibliographyFormat: ExportFormat = {
  id: "OAI_Bibliography",
  label: "DC Bibliography - OAI Schema",
  mediaType: "text/xml",
  extension: ".xml",
  visibility: "hidden",
  only: "single",
  oai: { prefix: "oai_bibl", schema: OAI_DC_SCHEMA, namespace: OAI_DC_NS },
  serialize: (record) => eprintsString(bibliography(record, false)),
  oaiMetadata: (record) => libxmlString(bibliography(record, true)),
};
