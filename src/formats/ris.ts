/**
 * RIS, "Reference Manager" (pub flavour Export::RIS, REFERENCE.md §5.4).
 *
 * EPrints writes the tags after TY in Perl hash order, which changes between processes;
 * Vellum writes them in one fixed order (RIS_ORDER): identity, people, titles, date,
 * numbering, pages, publisher, identifiers, types, keywords, notes, abstract,
 * availability, URL. TY is first and ER last, as in EPrints.
 *
 * EPrints behaviours kept on purpose, because RIS readers already live with them and the
 * real 3.4.7 output shows them:
 * - values are cut down to Latin-1: any other character becomes `?` (Latin-1 characters
 *   themselves reach the client as UTF-8);
 * - N1 holds the publication status label unless the record has a note, which replaces it;
 * - KW is the keywords split on commas, untrimmed;
 * - a book's volume goes to IS, a book section's to M1;
 * - newlines inside a value (abstracts, notes) are written as they are;
 * - lines end in LF and the record ends with `ER  -` without a trailing space.
 */
import type { EPRINT_TYPES } from "../records/fields.js";
import type { EPrint } from "../records/schema.js";
import type { ExportFormat, FormatContext } from "./types.js";
import { TagTable } from "./bibliographic.js";
import { abstractPageUrl } from "./eprint-urls.js";
import { ISPUBLISHED_NAMES } from "./phrases.js";
import { makeNameString } from "./render.js";

const RIS_TYPES: Partial<Record<(typeof EPRINT_TYPES)[number], string>> = {
  article: "JOUR",
  book: "BOOK",
  book_section: "CHAP",
  conference_item: "CONF",
  monograph: "RPRT",
  patent: "PAT",
  thesis: "THES",
};

const RIS_ORDER = [
  "ID", "A1", "ED", "TI", "T2", "T3", "JF", "Y1", "VL", "IS", "SP", "EP", "CY", "PB", "SN",
  "M1", "M2", "KW", "N1", "N2", "AV", "UR",
] as const;
type RisTag = (typeof RIS_ORDER)[number];

/** Y1 is `YYYY/MM/DD/`, an unknown month or day left empty. */
function risDate(date: string): string {
  const [y, m = "", d = ""] = date.split("-");
  return `${y}/${m}/${d}/`;
}

/** Perl's split(",", s): empty fields in the middle stay, trailing empty fields go. */
function splitKeywords(keywords: string): string[] {
  const parts = keywords.split(",");
  while (parts.length > 0 && parts[parts.length - 1] === "") parts.pop();
  return parts;
}

/** Encode::encode("iso-8859-1", ..., FB_DEFAULT): each code point above U+00FF becomes "?". */
function latin1(value: string): string {
  let out = "";
  for (const ch of value) out += ch.codePointAt(0)! > 0xff ? "?" : ch;
  return out;
}

function risType(record: EPrint): string {
  // The status override (EPrints' publication_status_type_override, on by default).
  if (record.ispublished === "inpress") return "INPR";
  if (record.ispublished === "unpub") return "UNPB";
  return RIS_TYPES[record.type] ?? "GEN";
}

function risTags(r: EPrint, ctx: FormatContext): TagTable<RisTag> {
  const t = new TagTable(RIS_ORDER);
  const type = r.type;
  t.set("ID", `${ctx.repo.repoId}${r.eprintid}`);
  if (r.ispublished && r.ispublished !== "pub") t.set("N1", ISPUBLISHED_NAMES[r.ispublished]);
  t.set("TI", r.title);
  for (const c of r.creators ?? []) t.add("A1", makeNameString(c.name, false));
  if (r.date) t.set("Y1", risDate(r.date));
  t.set("N1", r.note);
  if (r.keywords) for (const k of splitKeywords(r.keywords)) t.add("KW", k);

  if (r.pagerange) {
    // Split at the first hyphen; a part that is empty or "0" is dropped (Perl truth).
    const m = /^(.*?)-(.*)$/.exec(r.pagerange);
    if (m) {
      if (m[1] !== "" && m[1] !== "0") t.set("SP", m[1]);
      if (m[2] !== "" && m[2] !== "0") t.set("EP", m[2]);
    }
  } else {
    t.set("EP", r.pages);
  }

  if (type === "article") t.set("JF", r.publication);

  if (type === "conference_item" || type === "article" || type === "thesis") t.set("VL", r.volume);
  else if (type === "monograph") t.set("VL", r.id_number);

  if (type === "book_section") t.set("T2", r.book_title);
  else if (type === "conference_item") t.set("T2", r.event_title);

  if (type === "book_section" || type === "book" || type === "conference_item" || type === "monograph") {
    for (const e of r.editors ?? []) t.add("ED", makeNameString(e.name, false));
  }

  if (type === "book") t.set("IS", r.volume);
  else if (type === "article" || type === "other" || type === "thesis") t.set("IS", r.number);
  else if (type === "patent") t.set("IS", r.id_number);

  if (type !== "patent") t.set("CY", r.place_of_pub);

  if (type === "thesis") t.set("PB", r.institution);
  else if (type !== "patent") t.set("PB", r.publisher);

  if (type !== "patent") t.set("T3", r.series);
  t.set("N2", r.abstract);

  if (type === "book") t.set("SN", r.isbn);
  else t.set("SN", r.issn ?? r.isbn);

  t.set("AV", r.full_text_status);

  if (type === "monograph") t.set("M1", r.monograph_type);
  else if (type === "thesis") t.set("M1", r.thesis_type);
  // EPrints meant M2 here; kept as M1, as its output has it.
  if (type === "book_section") t.set("M1", r.volume);
  else if (type === "conference_item") t.set("M2", r.event_location);

  t.set("UR", r.official_url ?? abstractPageUrl(r, ctx));
  return t;
}

function risRecord(record: EPrint, ctx: FormatContext): string {
  let out = `TY  - ${risType(record)}\n`;
  for (const [tag, value] of risTags(record, ctx).entries()) out += `${tag}  - ${latin1(value)}\n`;
  return `${out}ER  -\n\n`;
}

export const risFormat: ExportFormat = {
  id: "RIS",
  label: "Reference Manager",
  mediaType: "text/plain",
  extension: ".ris",
  aliases: ["application/x-research-info-systems"],
  visibility: "all",
  serialize: risRecord,
};
