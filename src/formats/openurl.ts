/**
 * The OpenURL (Z39.88-2004) description of an eprint that both ContextObject (XML) and
 * COinS (key/encoded-value) write: EPrints' ContextObject::Journal, ::Book,
 * ::Dissertation and ::DublinCore plugins. The eprint type picks the metadata format;
 * types without one of their own are described in Dublin Core.
 *
 * EPrints fills these from Perl hashes, so the order of the fields (and, in COinS, of the
 * first author's parts) changes from process to process. Vellum writes one fixed order:
 * the order the EPrints examples show, with the fields the examples never have placed
 * after them in the plugin's own listing order. Authors always come first and the genre
 * last, as in EPrints.
 */
import type { EPrint } from "../records/schema.js";
import type { FormatContext } from "./types.js";
import { treeToUtf8 } from "./citation.js";
import { dublinCore, type DcPair } from "./dublin-core.js";
import { THESIS_TYPE_NAMES } from "./phrases.js";
import { lexical } from "./lexical.js";
import { makeNameString, renderDate } from "./render.js";

export type OpenUrlFormat = "journal" | "book" | "dissertation" | "dc";

export interface OpenUrlAuthor {
  aulast: string;
  aufirst: string;
  au: string;
}

export type Referent =
  | { format: "dc"; dc: DcPair[] }
  | { format: Exclude<OpenUrlFormat, "dc">; authors: OpenUrlAuthor[]; fields: [key: string, value: string][] };

const FORMAT_OF_TYPE: Readonly<Record<string, OpenUrlFormat>> = {
  article: "journal",
  book: "book",
  book_section: "book",
  conference_item: "book",
  thesis: "dissertation",
};

type Mapping = readonly (readonly [field: keyof EPrint, key: string])[];

/** EPrints field → OpenURL key, in Vellum's output order (see the module comment). */
const MAPPINGS: Readonly<Record<Exclude<OpenUrlFormat, "dc">, Mapping>> = {
  journal: [
    ["volume", "volume"],
    ["publication", "title"],
    ["pagerange", "pages"],
    ["date", "date"],
    ["isbn", "isbn"],
    ["issn", "issn"],
    ["number", "issue"],
    ["title", "atitle"],
    ["series", "series"],
  ],
  book: [
    ["date", "date"],
    ["isbn", "isbn"],
    ["book_title", "btitle"],
    ["title", "title"],
    ["pages", "tpages"],
    ["issn", "issn"],
  ],
  dissertation: [
    ["title", "title"],
    ["pages", "tpages"],
    ["date", "date"],
    ["institution", "inst"],
    ["thesis_type", "degree"],
  ],
};

/** The genre each format names for an eprint type (Journal's TYPE_MAPPING, Book's GENRE_MAPPING). */
const GENRES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  journal: { article: "article", conference_item: "conference" },
  book: { book: "book", book_section: "bookitem", conference_item: "proceeding" },
};

export function openUrlFormat(r: EPrint): OpenUrlFormat {
  return FORMAT_OF_TYPE[r.type] ?? "dc";
}

/** A field as EPrints renders it to text: dates in words, set values by label, white space collapsed; page ranges raw. */
function rendered(field: keyof EPrint, value: unknown): string {
  if (field === "pagerange") return value as string;
  if (field === "date") return renderDate(value as string);
  if (field === "thesis_type") return THESIS_TYPE_NAMES[value as keyof typeof THESIS_TYPE_NAMES];
  return treeToUtf8(lexical(value));
}

/** The referent in the format its type calls for, or in `format` (as EPrints' sub-plugins can be asked directly). */
export function referent(r: EPrint, ctx: FormatContext, format: OpenUrlFormat = openUrlFormat(r)): Referent {
  if (format === "dc") return { format, dc: dublinCore(r, ctx) };
  const authors = (r.creators ?? []).map((c) => ({
    aulast: c.name.family ?? "",
    aufirst: c.name.given ?? "",
    au: treeToUtf8(makeNameString(c.name)),
  }));
  const fields: [string, string][] = [];
  for (const [field, key] of MAPPINGS[format]) {
    const value = r[field];
    if (value === undefined) continue;
    // A book's own title is its btitle, next to (or instead of) book_title.
    fields.push([format === "book" && r.type === "book" && key === "title" ? "btitle" : key, rendered(field, value)]);
  }
  const genre = GENRES[format]?.[r.type];
  if (genre) fields.push(["genre", genre]);
  return { format, authors, fields };
}
