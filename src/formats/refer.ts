/**
 * Refer (pub flavour Export::Refer, REFERENCE.md §5.6): `%X value` lines, names given
 * name first, a blank line after the record.
 *
 * EPrints writes the tags in Perl hash order; Vellum writes them in REFER_ORDER (people,
 * titles, container, numbering, date, publisher, identifier, keywords, note, abstract,
 * label). Newlines inside values are kept, as EPrints keeps them.
 *
 * Divergence, deliberate: EPrints 3.4.7 encodes every value to UTF-8 bytes and then
 * writes them through a UTF-8 layer, so non-ASCII text arrives double-encoded ("Müller"
 * as "MÃ¼ller"; the real examples show it). Vellum writes the text once, as correct
 * UTF-8. Undoing that double encoding (UTF-8 bytes read as Latin-1) turns EPrints' output
 * into Vellum's.
 */
import type { EPrint } from "../records/schema.js";
import type { ExportFormat, FormatContext } from "./types.js";
import { TagTable, year } from "./bibliographic.js";
import { makeNameString } from "./render.js";

const REFER_ORDER = ["A", "E", "T", "B", "J", "S", "V", "N", "P", "D", "I", "C", "R", "K", "O", "X", "L"] as const;
type ReferTag = (typeof REFER_ORDER)[number];

function referTags(r: EPrint, ctx: FormatContext): TagTable<ReferTag> {
  const t = new TagTable(REFER_ORDER);
  for (const c of r.creators ?? []) t.add("A", makeNameString(c.name, true));
  for (const e of r.editors ?? []) t.add("E", makeNameString(e.name, true));
  t.set("T", r.title);
  t.set("B", r.book_title);
  if (r.date) t.set("D", year(r.date));
  t.set("J", r.publication);
  if (r.type !== "patent") {
    t.set("V", r.volume);
    t.set("N", r.number);
  }
  t.set("S", r.series);
  t.set("P", r.pagerange);
  t.set("R", r.id_number);
  // Publisher wins over institution, place of publication over event location.
  t.set("I", r.institution);
  t.set("I", r.publisher);
  t.set("C", r.event_location);
  t.set("C", r.place_of_pub);
  t.set("O", r.note);
  t.set("K", r.keywords);
  t.set("X", r.abstract);
  t.set("L", `${ctx.repo.repoId}${r.eprintid}`);
  return t;
}

function referRecord(record: EPrint, ctx: FormatContext): string {
  let out = "";
  for (const [tag, value] of referTags(record, ctx).entries()) out += `%${tag} ${value}\n`;
  return `${out}\n`;
}

export const referFormat: ExportFormat = {
  id: "Refer",
  label: "Refer",
  mediaType: "text/plain",
  extension: ".refer",
  visibility: "all",
  serialize: referRecord,
};
