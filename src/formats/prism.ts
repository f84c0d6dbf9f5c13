/**
 * PRISM `prism.*` tags (flavours/pub_lib/plugins/EPrints/Plugin/Export/Prism.pm as
 * released in 3.4.7) for an abstract page's head; the export is their text form.
 *
 * Matches 3.4.7, including a loss: its date parser demands a time of day, which a date
 * field never has, so prism.coverDate and prism.publicationDate are never written (the
 * examples have none). Later EPrints fixed the parser; if Vellum follows, it adds
 * prism.publicationDate from a published `date` here. Keywords are one tag holding the
 * field as typed, as in 3.4.7.
 */
import type { EPrint } from "../records/schema.js";
import type { ExportFormat } from "./types.js";
import { isSet, lexical } from "./lexical.js";
import { splitPageRange } from "./render.js";
import { metaTagsHead, metaTagsText, type MetaTag } from "./highwirepress.js";
import { el } from "./xml-tree.js";

/** Prism::parse_date: an EPrints time as `YYYY-MM-DDThh:mm:ss`; a value without a time gives nothing. */
function isoDateTime(value: string): string | undefined {
  const m = /^(\d+(?:-\d+(?:-\d+)?)?) (\d+:\d+:\d+)/.exec(value);
  return m ? `${m[1]}T${m[2]}` : undefined;
}

export function prismTags(r: EPrint): MetaTag[] {
  const tags: MetaTag[] = [];
  const add = (name: string, value: unknown) => {
    if (isSet(value)) tags.push([`prism.${name}`, lexical(value)]);
  };
  if (r.datestamp !== undefined) add("dateReceived", isoDateTime(r.datestamp));
  add("modificationDate", isoDateTime(r.lastmod));
  if (r.pagerange !== undefined) {
    add("pageRange", r.pagerange);
    const [first, last] = splitPageRange(r.pagerange);
    add("startingPage", first);
    add("endingPage", last);
  }
  add("pageCount", r.pages);
  add("isbn", r.isbn);
  add("issn", r.issn);
  add("publicationName", r.publication);
  add("volume", r.volume);
  add("number", r.number);
  add("bookEdition", r.edition);
  add("seriesTitle", r.series);
  add("event", r.event_title);
  add("keyword", r.keywords);
  add("link", r.official_url);
  return tags;
}

export function prismHead(record: EPrint): string {
  const schema = el("link", [
    ["rel", "schema.prism"],
    ["href", "https://www.w3.org/submissions/2020/SUBM-prism-20200910/"],
  ]);
  return metaTagsHead(" PRISM meta tags ", prismTags(record), [schema]);
}

export const prismFormat: ExportFormat = {
  id: "Prism",
  label: "PRISM",
  mediaType: "text/plain; charset=utf-8",
  extension: ".txt",
  visibility: "hidden",
  serialize: (record) => metaTagsText(prismTags(record)),
};
