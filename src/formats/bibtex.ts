/**
 * BibTeX (EPrints::Plugin::Export::BibTeX, pub flavour; REFERENCE.md §3). One `@type{key,`
 * entry per record; a list export is the plain concatenation of entries.
 *
 * Field order: EPrints writes its "bibtex" group (everything BibTeX defines) before its
 * "additional" group (author, abstract, url, keywords, issn, isbn), but within each group
 * in Perl hash order, which changes from process to process. Vellum keeps the two groups
 * and fixes the order inside them: the bibtex group alphabetically, the additional group
 * as listed above. The author list therefore comes after the title, as it does in EPrints.
 *
 * Escaping and its divergences from EPrints (raw UTF-8 where EPrints writes `?`) are in
 * tex-encode.ts. EPrints' own pre-pass that flattens a few symbols (® → (R), ½ → 1/2,
 * dashes and curly quotes to ASCII) is kept as it is, for fidelity.
 */
import type { EPrint, Name } from "../records/schema.js";
import type { ExportFormat, FormatContext } from "./types.js";
import { year } from "./bibliographic.js";
import { abstractPageUrl } from "./eprint-urls.js";
import { ISPUBLISHED_NAMES, MONOGRAPH_TYPE_NAMES } from "./phrases.js";
import { makeNameString } from "./render.js";
import { isSet } from "./lexical.js";
import { encodeBibtex, encodeBibtexUrl } from "./tex-encode.js";

/** English month names (`lib/utils:month_01` to `month_12`). */
const MONTHS = [
  "January", "February", "March", "April", "May", "June",
  "July", "August", "September", "October", "November", "December",
] as const;

/** EPrints' substitutions before TeX encoding (issue eprints3.4#53), by code point. */
const FLATTENED: Readonly<Record<string, string>> = {
  "®": "(R)", "¡": "!", "¢": "c", "¥": "Y", "ª": "a", "°": "o", "²": "2", "³": "3", "µ": "u", "·": ".",
  "¹": "1", "¼": "1/4", "½": "1/2", "¾": "3/4", "¿": "?", "÷": "/",
  "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "--",
  "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201c": '"', "\u201d": '"', "\u201e": '"', "™": "TM",
};

/** Every key of FLATTENED is one BMP code point, so a character class finds them. */
const FLATTEN = new RegExp(`[${Object.keys(FLATTENED).join("")}]`, "g");

export function fixSpecialChars(text: string): string {
  // most values hold none of them: test first, so they are returned without a copy
  FLATTEN.lastIndex = 0;
  return FLATTEN.test(text) ? text.replace(FLATTEN, (c) => FLATTENED[c]!) : text;
}

const BIBTEX_GROUP = [
  "address", "booktitle", "doi", "editor", "institution", "journal", "month", "note", "number",
  "organization", "pages", "publisher", "school", "series", "title", "type", "volume", "year",
] as const;
const ADDITIONAL_GROUP = ["author", "abstract", "url", "keywords", "issn", "isbn"] as const;
type BibtexField = (typeof BIBTEX_GROUP)[number];
type AdditionalField = (typeof ADDITIONAL_GROUP)[number];

/** Perl's `\b` on character strings: word characters are Unicode letters, marks, digits, connectors. */
const WORD = "[\\p{Alphabetic}\\p{M}\\p{Nd}\\p{Pc}\\u200c\\u200d]";
const LONE_AND = new RegExp(`(?<!${WORD})and(?!${WORD})`, "gu");

/** Keep a name part one BibTeX name part: brace its commas (all but a leading one) and any word `and`. */
function protectPart(part: string): string {
  // most parts have neither: skip the expressions (the word test looks behind, which is slow)
  if (part.includes(",")) part = part.replace(/(.+?),/gu, "$1{,}");
  return part.includes("and") ? part.replace(LONE_AND, "{and}") : part;
}

/** A family name's trailing lineage (roman numerals, Jr, Sr, Junior, Senior) after a space or comma. */
const TRAILING_LINEAGE =
  /^(.+?)((,| )\s*[IVX]+\.?)*((,| )\s*[jJsS](un|en)?(io)?r\.?)*((,| )\s*[IVX]+\.?)*$/u;

/** Only white space (or nothing). \s has no member outside the BMP, so no Unicode mode is needed. */
const blank = (s: string) => !/\S/.test(s);

/**
 * One author as `Family[, Lineage], [Honourific ]Given` (EPrints' make_bibtex_string, PR
 * eprints3.4#25): the most robust BibTeX name form. An empty part is written `{}`.
 */
export function bibtexName(name: Name): string {
  let tail = name.honourific ? `${protectPart(name.honourific)} ` : "";
  if (name.given === undefined) {
    tail += "{}";
  } else {
    // `J.A.` becomes `J. A.` so BibTeX sees two initials.
    const given = protectPart(name.given).replace(/\.([A-Z])/g, ". $1");
    tail += blank(given) ? "{}" : given;
  }

  let head = "";
  let contained = "";
  if (name.family !== undefined) {
    // a lineage follows a space or a comma: a family name with neither has none
    const family = /[ ,]/.test(name.family) ? name.family.replace(TRAILING_LINEAGE, "$1") : name.family;
    contained = name.family.slice(family.length).replace(/^,?\s*/u, "");
    head = protectPart(family);
  }
  if (blank(head)) head = "{}";
  if (contained !== "") head += `, ${contained}`;
  // With no lineage inside the family name this gives `King,  Jr` (two spaces), as EPrints does.
  if (name.lineage) head += `${contained === "" ? ", " : ""} ${protectPart(name.lineage)}`;
  return `${head}, ${tail}`;
}

function entryType(r: EPrint): string {
  // EPrints' `publication_status_type_override` (default on, issue #123): an unpublished item is
  // @unpublished whatever its type. Vellum has no switch for it and always applies the default.
  if (r.ispublished === "unpub") return "unpublished";
  switch (r.type) {
    case "article":
      return "article";
    case "book":
      return "book";
    case "book_section":
      return "incollection";
    case "conference_item":
      return "inproceedings";
    case "monograph":
      return r.monograph_type === "manual" || r.monograph_type === "documentation" ? "manual" : "techreport";
    case "thesis":
      return r.thesis_type === "masters" ? "mastersthesis" : "phdthesis";
    default:
      return "misc";
  }
}

interface Entry {
  type: string;
  bibtex: Partial<Record<BibtexField, string>>;
  additional: Partial<Record<AdditionalField, string>>;
}

function convert(r: EPrint, ctx: FormatContext): Entry {
  const type = entryType(r);
  const bibtex: Entry["bibtex"] = {};
  const additional: Entry["additional"] = {};
  const set = (v: string | undefined): v is string => isSet(v);

  if (r.ispublished && r.ispublished !== "pub") bibtex.note = ISPUBLISHED_NAMES[r.ispublished];
  if (set(r.note)) bibtex.note = bibtex.note ? `${bibtex.note}\n\n${r.note}` : r.note;
  if (set(r.place_of_pub)) bibtex.address = r.place_of_pub;
  if (isSet(r.creators)) additional.author = r.creators!.map((c) => bibtexName(c.name)).join(" and ");
  if (set(r.event_title)) bibtex.booktitle = r.event_title;
  if (set(r.book_title)) bibtex.booktitle = r.book_title;
  // Editors are "Given Family", unprotected: EPrints' make_name_string, not the author form.
  if (isSet(r.editors)) bibtex.editor = r.editors!.map((e) => makeNameString(e.name, true)).join(" and ");
  if (set(r.institution)) {
    // Decided on EPrints' final entry type: an unpublished manual gets `institution`, as in EPrints.
    if (type === "manual") bibtex.organization = r.institution;
    else if (r.type === "monograph") bibtex.institution = r.institution;
    if (r.type === "thesis") bibtex.school = r.institution;
  }
  if (set(r.publication)) bibtex.journal = r.publication;
  if (set(r.date)) {
    const month = /^\d{4}-(\d{2})/.exec(r.date)?.[1];
    if (month) bibtex.month = MONTHS[Number(month) - 1];
    bibtex.year = year(r.date);
  }
  if (r.type === "monograph") {
    if (set(r.id_number)) bibtex.number = r.id_number;
  } else {
    if (set(r.number)) bibtex.number = r.number;
    // Written as stored (it may carry `doi:` or be a URL); anything else in id_number is left out.
    if (set(r.id_number) && /(doi|10\.)/.test(r.id_number)) bibtex.doi = r.id_number;
  }
  if (set(r.pagerange)) bibtex.pages = r.pagerange.replace("-", "--");
  if (set(r.publisher)) bibtex.publisher = r.publisher;
  if (set(r.series)) bibtex.series = r.series;
  if (set(r.title)) bibtex.title = r.title;
  if (r.type === "monograph" && r.monograph_type) bibtex.type = MONOGRAPH_TYPE_NAMES[r.monograph_type];
  if (set(r.volume)) bibtex.volume = r.volume;

  if (set(r.abstract)) additional.abstract = r.abstract;
  additional.url = r.official_url ?? abstractPageUrl(r, ctx);
  if (set(r.keywords)) additional.keywords = r.keywords;
  if (set(r.issn)) additional.issn = r.issn;
  if (set(r.isbn)) additional.isbn = r.isbn;
  return { type, bibtex, additional };
}

/** `name = {`, the name right-aligned in 16 columns, for every field name (the groups are fixed). */
const LINE_START: Readonly<Record<string, string>> = Object.fromEntries(
  [...BIBTEX_GROUP, ...ADDITIONAL_GROUP].map((f) => [f, `${f.padStart(16)} = {`]),
);

function encodeAdditional(field: AdditionalField, value: string): string {
  if (field === "url") return encodeBibtexUrl(value);
  const encoded = encodeBibtex(fixSpecialChars(value));
  // The name builder's own `{}`, `{,}` and `{and}` must survive the escaping of braces.
  return field === "author" && encoded.includes("\\{") ? encoded.replace(/\\\{(|,|and)\\\}/g, "{$1}") : encoded;
}

function bibtexEntry(r: EPrint, ctx: FormatContext): string {
  const e = convert(r, ctx);
  let out = `@${e.type}{${ctx.repo.repoId}${r.eprintid},`;
  let first = true;
  for (const f of BIBTEX_GROUP) {
    const v = e.bibtex[f];
    if (v === undefined) continue;
    out += `${first ? "\n" : ",\n"}${LINE_START[f]}${encodeBibtex(fixSpecialChars(v))}}`;
    first = false;
  }
  for (const f of ADDITIONAL_GROUP) {
    const v = e.additional[f];
    if (v === undefined) continue;
    out += `${first ? "\n" : ",\n"}${LINE_START[f]}${encodeAdditional(f, v)}}`;
    first = false;
  }
  return `${out}${first ? "\n\n" : "\n"}}\n\n`;
}

export const bibtexFormat: ExportFormat = {
  id: "BibTeX",
  label: "BibTeX",
  mediaType: "text/plain; charset=utf-8",
  extension: ".bib",
  aliases: ["application/x-bibtex", "text/x-bibtex", "text/bibtex"],
  signposting: true,
  visibility: "all",
  serialize: bibtexEntry,
};
