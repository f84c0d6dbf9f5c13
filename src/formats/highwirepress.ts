/**
 * Highwire Press `citation_*` tags (flavours/pub_lib/plugins/EPrints/Plugin/Export/
 * HighwirePress.pm as released in 3.4.7), the tags Google Scholar and Zotero read from an
 * abstract page's head. The export itself is their text form, one `name: value` line per
 * tag; the abstract page writes the same tags as `<meta>` elements (`highwirePressHead`).
 *
 * Rules of 3.4.7 that later EPrints changed, kept here because Vellum matches 3.4.7:
 * citation_date and citation_cover_date are written; keywords are one tag holding the
 * field as typed; subjects are not added to the keywords.
 */
import type { EPrint } from "../records/schema.js";
import type { ExportFormat } from "./types.js";
import { isSet, lexical } from "./lexical.js";
import { makeNameString, splitPageRange } from "./render.js";
import { el, eprintsString, type XmlElement } from "./xml-tree.js";

export type MetaTag = [name: string, content: string];

/** HighwirePress::parse_date: the date part of a date or time, as `YYYY/MM/DD`. */
function slashDate(value: string): string | undefined {
  const m = /^(\d+)(?:-(\d+)(?:-(\d+))?)?/.exec(value);
  return m ? [m[1], m[2], m[3]].filter((p) => p !== undefined).join("/") : undefined;
}

/**
 * The publication date: `date` when date_type says it is one. (EPrints also looks at a
 * `dates` field that the pub flavour does not have.)
 */
function publicationDate(r: EPrint): string | undefined {
  return r.date_type === "published" && r.date !== undefined ? slashDate(r.date) : undefined;
}

export function highwirePressTags(r: EPrint): MetaTag[] {
  const tags: MetaTag[] = [];
  const add = (name: string, value: unknown) => {
    if (isSet(value)) tags.push([`citation_${name}`, lexical(value)]);
  };
  add("title", r.title);
  for (const c of r.creators ?? []) add("author", makeNameString(c.name));
  const published = publicationDate(r);
  const online = r.datestamp !== undefined ? slashDate(r.datestamp) : undefined;
  add("publication_date", published);
  add("online_date", online);
  add("journal_title", r.publication);
  add("conference_title", r.event_title);
  add("issn", r.issn);
  add("isbn", r.isbn);
  add("volume", r.volume);
  add("issue", r.number);
  if (r.pagerange !== undefined) {
    const [first, last] = splitPageRange(r.pagerange);
    add("firstpage", first);
    add("lastpage", last);
  }
  add(r.type === "thesis" ? "dissertation_institution" : "technical_report_institution", r.institution);
  add("date", published || online);
  add("cover_date", published);
  add("book_title", r.book_title);
  add("series_title", r.series);
  add("publisher", r.publisher);
  add("abstract", r.abstract);
  for (const e of r.editors ?? []) add("editor", makeNameString(e.name));
  add("keywords", r.keywords);
  add("journal_article", r.article_number);
  return tags;
}

/** The text export: `name: value` lines (CR and LF inside a value become spaces), then a blank line. */
export function metaTagsText(tags: readonly MetaTag[]): string {
  return tags.map(([name, value]) => `${name}: ${value.replace(/[\r\n]/g, " ")}\n`).join("") + "\n";
}

/**
 * The tags as EPrints' dataobj_to_html_header puts them in an abstract page's head: a
 * comment, then each element on its own line.
 */
export function metaTagsHead(comment: string, tags: readonly MetaTag[], before: XmlElement[] = []): string {
  const nodes = [...before, ...tags.map(([name, content]) => el("meta", [["name", name], ["content", content]]))];
  return `<!--${comment}-->\n${nodes.map((n) => `${eprintsString(n)}\n`).join("")}`;
}

export function highwirePressHead(record: EPrint): string {
  return metaTagsHead(" Highwire Press meta tags ", highwirePressTags(record));
}

export const highwirePressFormat: ExportFormat = {
  id: "HighwirePress",
  label: "Highwire Press",
  mediaType: "text/plain; charset=utf-8",
  extension: ".txt",
  visibility: "hidden",
  serialize: (record) => metaTagsText(highwirePressTags(record)),
};
