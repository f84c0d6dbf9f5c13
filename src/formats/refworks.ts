/**
 * RefWorks tagged format. Not an EPrints format: EPrints has no RefWorks plugin and sends
 * RefWorks users RIS or BibTeX. This is a Vellum extension on REFERENCE.md §5.1's mapping,
 * kept close to what the RIS and EndNote exports already decide.
 *
 * Format rules (RefWorks' "RefWorks Tagged Format" help page): a record starts with RT;
 * every line is a two-character tag, one space and the value; one value per line, a
 * repeated tag for each further author or keyword; authors as "Family, Given"; records are
 * separated by a blank line. A value therefore never holds a line break: they become
 * spaces here, unlike in EPrints' RIS and Refer.
 *
 * Choices (no EPrints behaviour to match):
 * - RT: a book with editors and no creators is "Book, Edited", its editors in A1; an
 *   unpublished item is "Unpublished Material" ("Dissertation/Thesis, Unpublished" for a
 *   thesis), as RIS's UNPB override does.
 * - SR is "Electronic(1)": what a repository links to is the online record.
 * - SP/OP are the two halves of pagerange; with no pagerange, OP holds the page count.
 * - SN is the ISBN for books and sections, otherwise the ISSN; a report's or patent's
 *   id_number is its number, so it goes to SN unless it is a DOI. A patent's applicant goes
 *   to PB, which Zotero's RefWorks reader takes as a patent's assignee.
 * - K1: keywords split at commas, semicolons and line breaks, trimmed.
 * - NO: the publication status label (when not published) and then the note, as BibTeX
 *   puts them together, joined by ". " on the one line.
 * - LA (language) is left out: the record carries no document language.
 * - Tags are written in RW_ORDER; lines end in LF.
 */
import type { EPRINT_TYPES } from "../records/fields.js";
import type { EPrint } from "../records/schema.js";
import type { ExportFormat, FormatContext } from "./types.js";
import { TagTable, year } from "./bibliographic.js";
import { abstractPageUrl } from "./eprint-urls.js";
import { doiString, parseDoi } from "./eprints-doi.js";
import { ISPUBLISHED_NAMES } from "./phrases.js";
import { makeNameString } from "./render.js";

const RW_TYPES: Partial<Record<(typeof EPRINT_TYPES)[number], string>> = {
  article: "Journal Article",
  book: "Book, Whole",
  book_section: "Book, Section",
  conference_item: "Conference Proceedings",
  monograph: "Report",
  thesis: "Dissertation/Thesis",
  patent: "Patent",
};

const RW_ORDER = [
  "RT", "SR", "ID", "A1", "A2", "T1", "T2", "T3", "JF", "YR", "FD", "VO", "IS", "SP", "OP", "ED",
  "PB", "PP", "SN", "DO", "K1", "AB", "NO", "UL", "LK",
] as const;
type RwTag = (typeof RW_ORDER)[number];

const isEditedBook = (r: EPrint) => r.type === "book" && !r.creators?.length && !!r.editors?.length;

function refworksType(r: EPrint): string {
  if (r.ispublished === "unpub") return r.type === "thesis" ? "Dissertation/Thesis, Unpublished" : "Unpublished Material";
  if (isEditedBook(r)) return "Book, Edited";
  return RW_TYPES[r.type] ?? "Generic";
}

/** One line per value: line breaks (and the blank lines between paragraphs) become one space. */
function oneLine(value: string): string {
  return value.replace(/[ \t]*(?:\r\n|\r|\n)+[ \t]*/g, " ").trim();
}

function refworksTags(r: EPrint, ctx: FormatContext): TagTable<RwTag> {
  const t = new TagTable(RW_ORDER);
  const type = r.type;
  t.set("RT", refworksType(r));
  t.set("SR", "Electronic(1)");
  t.set("ID", `${ctx.repo.repoId}${r.eprintid}`);

  const editedBook = isEditedBook(r);
  for (const c of r.creators ?? []) t.add("A1", makeNameString(c.name, false));
  for (const corp of r.corp_creators ?? []) t.add("A1", corp);
  for (const e of r.editors ?? []) t.add(editedBook ? "A1" : "A2", makeNameString(e.name, false));

  t.set("T1", r.title);
  if (type === "book_section") t.set("T2", r.book_title);
  else if (type === "conference_item") t.set("T2", r.event_title);
  // Patents have no series, volume, issue or place of publication, as in RIS and EndNote.
  const patent = type === "patent";
  if (!patent) t.set("T3", r.series);
  t.set("JF", r.publication);

  if (r.date) {
    t.set("YR", year(r.date));
    if (r.date.length > 4) t.set("FD", r.date);
  }
  if (!patent) {
    t.set("VO", r.volume);
    t.set("IS", r.number);
  }

  if (r.pagerange) {
    const dash = r.pagerange.indexOf("-");
    t.set("SP", dash < 0 ? r.pagerange : r.pagerange.slice(0, dash).trim());
    if (dash >= 0) t.set("OP", r.pagerange.slice(dash + 1).trim());
  } else {
    t.set("OP", r.pages);
  }
  t.set("ED", r.edition);

  if (type === "thesis" || type === "monograph") t.set("PB", r.institution ?? r.publisher);
  else if (patent) t.set("PB", r.patent_applicant);
  else t.set("PB", r.publisher);
  if (!patent) t.set("PP", r.place_of_pub);

  const parsed = r.id_number ? parseDoi(r.id_number) : undefined;
  const doi = parsed ? doiString(parsed) : null;
  if ((type === "monograph" || patent) && r.id_number && !doi) t.set("SN", r.id_number);
  else if (type === "book" || type === "book_section") t.set("SN", r.isbn ?? r.issn);
  else t.set("SN", r.issn ?? r.isbn);
  t.set("DO", doi ?? undefined);

  for (const k of (r.keywords ?? "").split(/[,;\r\n]/)) t.add("K1", k.trim());
  t.set("AB", r.abstract);
  const status = r.ispublished && r.ispublished !== "pub" ? ISPUBLISHED_NAMES[r.ispublished] : undefined;
  t.set("NO", [status, r.note].filter(Boolean).join(". "));
  t.set("UL", r.official_url ?? abstractPageUrl(r, ctx));
  t.set("LK", abstractPageUrl(r, ctx));
  return t;
}

function refworksRecord(record: EPrint, ctx: FormatContext): string {
  let out = "";
  for (const [tag, value] of refworksTags(record, ctx).entries()) {
    const v = oneLine(value);
    if (v !== "") out += `${tag} ${v}\n`;
  }
  return `${out}\n`;
}

export const refworksFormat: ExportFormat = {
  id: "RefWorks",
  label: "RefWorks",
  mediaType: "text/plain; charset=utf-8",
  extension: ".txt",
  visibility: "all",
  serialize: refworksRecord,
};
