/**
 * EPrints' Dublin Core mapping (Export::DC `convert_dataobj`, REFERENCE.md §5.3): a record as
 * an ordered list of [element, value] pairs. The plain-text DC export, oai_dc and any later
 * DC-based format write these same pairs, so the mapping lives here once.
 *
 * Documents are not part of the canonical record yet, so the per-document pairs EPrints
 * writes between the types and the citation (format, language, rights, identifier) are
 * absent; the example records have no documents either. The pub flavour has no eprint-level
 * `language` field, so the final `language` pair never appears.
 */
import type { EPrint } from "../records/schema.js";
import type { FormatContext } from "./types.js";
import { citationText, treeToUtf8 } from "./citation.js";
import { makeNameString } from "./render.js";
import { abstractPageUrl } from "./eprint-urls.js";
import { EPRINT_TYPE_NAMES } from "./phrases.js";

export type DcElement =
  | "title"
  | "creator"
  | "subject"
  | "description"
  | "publisher"
  | "contributor"
  | "date"
  | "type"
  | "format"
  | "identifier"
  | "source"
  | "language"
  | "relation"
  | "coverage"
  | "rights";
export type DcPair = readonly [DcElement, string];

/** EPrints::XML::remove_invalid_chars: drops C0 controls except TAB, LF, CR (and, as EPrints does, keeps 0x1A-0x1F). */
export function removeInvalidChars(s: string): string {
  return INVALID.test(s) ? s.replace(INVALIDS, "") : s;
}
const INVALID = /[\x00-\x08\x0B\x0C\x0E-\x19]/;
const INVALIDS = /[\x00-\x08\x0B\x0C\x0E-\x19]/g;

export function dublinCore(r: EPrint, ctx: FormatContext): DcPair[] {
  const out: DcPair[] = [];
  const add = (element: DcElement, value: string | undefined, clean = true) => {
    if (value !== undefined) out.push([element, clean ? removeInvalidChars(value) : value]);
  };

  add("relation", abstractPageUrl(r, ctx), false);
  add("title", r.title);
  for (const c of r.creators ?? []) add("creator", makeNameString(c.name));
  // Subjects by name, as the subject record renders it; unknown ids are skipped, and
  // divisions are not subjects for DC.
  for (const id of r.subjects ?? []) {
    const subject = ctx.subjects.get(id);
    if (subject) add("subject", treeToUtf8(subject.name.length ? ctx.subjects.name(id) : ""));
  }
  add("description", r.abstract);
  add("publisher", r.publisher);
  for (const e of r.editors ?? []) add("contributor", makeNameString(e.name));
  // EPrints strips "-00" parts here; the record schema already rules them out.
  add("date", r.date, false);
  add("type", EPRINT_TYPE_NAMES[r.type], false);
  add("type", r.refereed === true ? "PeerReviewed" : "NonPeerReviewed", false);
  add("identifier", citationText(r));
  add("relation", r.official_url);
  add("relation", r.id_number);
  add("identifier", r.id_number);
  return out;
}
