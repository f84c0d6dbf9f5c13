/**
 * EndNote tagged text (pub flavour Export::EndNote, REFERENCE.md §5.5).
 *
 * Deterministic in EPrints: `%0` first, then the tags in ASCII order, one `%X value` line
 * per value with CR and LF inside a value turned into spaces, and a blank line after the
 * record. Vellum matches it byte for byte, and sends no byte-order mark (EPrints adds one
 * only when its command-line exporter writes a file).
 *
 * `%R` carries id_number unchanged when it parses as a DOI; `%U` is always the abstract
 * page; corporate creators get the trailing comma EndNote needs to keep them whole.
 */
import type { EPRINT_TYPES } from "../records/fields.js";
import type { EPrint } from "../records/schema.js";
import type { ExportFormat, FormatContext } from "./types.js";
import { TagTable, year } from "./bibliographic.js";
import { abstractPageUrl } from "./eprint-urls.js";
import { parseDoi } from "./eprints-doi.js";
import { MONOGRAPH_TYPE_NAMES, THESIS_TYPE_NAMES } from "./phrases.js";
import { makeNameString } from "./render.js";

const ENDNOTE_TYPES: Partial<Record<(typeof EPRINT_TYPES)[number], string>> = {
  article: "Journal Article",
  book: "Book",
  book_section: "Book Section",
  conference_item: "Conference Paper",
  monograph: "Report",
  patent: "Patent",
  thesis: "Thesis",
};

/** EPrints sorts the keys with "0" first and the rest by `cmp`, i.e. this order. */
const ENDNOTE_ORDER = ["0", "9", "@", "A", "B", "C", "D", "E", "F", "I", "J", "K", "N", "P", "R", "S", "T", "U", "V", "X", "Z"] as const;
type EndNoteTag = (typeof ENDNOTE_ORDER)[number];

function endnoteType(r: EPrint): string {
  if (r.type === "book" && !r.creators?.length && r.editors?.length) return "Edited Book";
  return ENDNOTE_TYPES[r.type] ?? "Generic";
}

function endnoteTags(r: EPrint, ctx: FormatContext): TagTable<EndNoteTag> {
  const t = new TagTable(ENDNOTE_ORDER);
  const type = r.type;
  t.set("0", endnoteType(r));
  if (r.date) t.set("D", year(r.date));
  if (type === "article") t.set("J", r.publication);
  t.set("K", r.keywords);
  t.set("T", r.title);
  t.set("U", abstractPageUrl(r, ctx));
  t.set("X", r.abstract);
  t.set("Z", r.note);
  // Whatever the type; a thesis_type wins over a monograph_type, as in EPrints.
  if (r.monograph_type) t.set("9", MONOGRAPH_TYPE_NAMES[r.monograph_type]);
  if (r.thesis_type) t.set("9", THESIS_TYPE_NAMES[r.thesis_type]);

  for (const c of r.creators ?? []) t.add("A", makeNameString(c.name, false));
  for (const corp of r.corp_creators ?? []) t.add("A", `${corp},`);

  if (type === "conference_item") t.set("B", r.event_title);
  else if (type === "thesis") t.set("B", r.department);
  else if (type === "book" || type === "monograph") t.set("B", r.series);
  else if (type === "book_section") t.set("B", r.book_title);

  if (type === "conference_item") t.set("C", r.event_location);
  else if (type !== "patent") t.set("C", r.place_of_pub);

  if (type === "patent") t.set("E", r.institution);
  else for (const e of r.editors ?? []) t.add("E", makeNameString(e.name, false));

  if (type === "monograph" || type === "thesis") t.set("I", r.institution);
  else if (type !== "patent") t.set("I", r.publisher);

  if (type !== "patent") t.set("N", r.number);

  if (type === "book" || type === "thesis") t.set("P", r.pages);
  else t.set("P", r.pagerange);

  if (type === "book_section") t.set("S", r.series);
  if (type !== "patent" && type !== "thesis") t.set("V", r.volume);

  if (type === "article") t.set("@", r.issn);
  else if (type === "patent" || type === "monograph") t.set("@", r.id_number);
  else if (type === "book" || type === "book_section") t.set("@", r.isbn);

  if (r.id_number && parseDoi(r.id_number)) t.set("R", r.id_number);
  t.set("F", `${ctx.repo.repoId}:${r.eprintid}`);
  return t;
}

function endnoteRecord(record: EPrint, ctx: FormatContext): string {
  let out = "";
  for (const [tag, value] of endnoteTags(record, ctx).entries()) out += `%${tag} ${value.replace(/[\r\n]/g, " ")}\n`;
  return `${out}\n`;
}

export const endnoteFormat: ExportFormat = {
  id: "EndNote",
  label: "EndNote",
  mediaType: "text/plain; charset=utf-8",
  extension: ".enw",
  aliases: ["application/x-endnote-refer"],
  visibility: "all",
  serialize: endnoteRecord,
};
