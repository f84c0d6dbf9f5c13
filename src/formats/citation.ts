/**
 * EPrints' default eprint citation (flavours/pub_lib/citations/eprint/default.xml), the text
 * behind the ASCII and HTML citation exports, Dublin Core's citation `identifier` and Simple's
 * `citation:` line.
 *
 * EPrints renders the template into a DOM and only then into text, and the whitespace of the
 * result comes from that DOM: every text node of the template survives as its own node (the
 * newline-and-indent between tags included), values become further text nodes, and the plain
 * text form collapses white space inside each node separately. So the citation is built here
 * as the same sequence of nodes, branch by branch as the template has them, and written out
 * twice: `citationText` (EPrints::Utils::tree_to_utf8) and `citationHtml` (the HTML export).
 * The literal strings below are the template's text nodes; keep them byte for byte.
 */
import type { Creator, EPrint, Name } from "../records/schema.js";
import type { FormatContext } from "./types.js";
import { isSet } from "./lexical.js";
import { abstractPageUrl } from "./eprint-urls.js";
import { makeNameString } from "./render.js";
import { doiString, doiUri, parseDoi } from "./eprints-doi.js";
import { escapeAttribute, escapeText } from "./libxml.js";
import {
  EDITORS_CITE,
  EDITOR_CITE,
  EPRINT_TYPE_NAMES,
  ISPUBLISHED_NAMES,
  JOIN_NAME,
  MONOGRAPH_TYPE_NAMES,
  PART_OF_PREFIX,
  THESIS_CITE,
  THESIS_TYPE_NAMES,
  UNSPECIFIED,
} from "./phrases.js";

/** A rendered DOM: a string is one text node, an array a document fragment. */
export type CiteNode = string | CiteElement | readonly CiteNode[];
export interface CiteElement {
  tag: string;
  attrs: readonly (readonly [string, string])[];
  children: readonly CiteNode[];
}

const el = (tag: string, attrs: CiteElement["attrs"], ...children: CiteNode[]): CiteElement => ({ tag, attrs, children });

/**
 * Perl's \s on character strings (tree_to_utf8 and magicstop use it). Every member is in the
 * BMP, so the expressions need no Unicode mode (which is slower).
 */
const PERL_SPACE = "[\\t\\n\\x0B\\f\\r \\x85\\xA0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000]";
const SPACE_RUN = new RegExp(`${PERL_SPACE}+`, "g");
const TRAILING_SPACE = new RegExp(`${PERL_SPACE}*$`);
/** What collapsing changes: any white space but a lone space. */
const COLLAPSIBLE = /[\t\n\x0B\f\r\x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]| {2}/;

/**
 * EPrints::Utils::tree_to_utf8 for the nodes a citation holds: white space collapsed to one
 * space within each text node, and a link followed by its target in angle brackets.
 */
export function treeToUtf8(node: CiteNode): string {
  if (typeof node === "string") return COLLAPSIBLE.test(node) ? node.replace(SPACE_RUN, " ") : node;
  let s = "";
  if (Array.isArray(node)) {
    for (const n of node as readonly CiteNode[]) s += treeToUtf8(n);
    return s;
  }
  const e = node as CiteElement;
  for (const n of e.children) s += treeToUtf8(n);
  if (e.tag === "a") {
    const href = e.attrs.find(([k]) => k === "href");
    if (href) s += ` <${href[1]}>`;
  }
  return s;
}

/** The DOM as EPrints::XML::to_string writes it for the HTML export (no namespaces). */
export function toXhtml(node: CiteNode): string {
  if (typeof node === "string") return escapeText(node);
  if (Array.isArray(node)) return (node as readonly CiteNode[]).map(toXhtml).join("");
  const e = node as CiteElement;
  const attrs = e.attrs.map(([k, v]) => ` ${k}="${escapeAttribute(v)}"`).join("");
  return `<${e.tag}${attrs}>${e.children.map(toXhtml).join("")}</${e.tag}>`;
}

/** An EPScript test on a plain value is Perl truth: unset, "" and "0" are false. */
const truthy = (v: string | number | undefined): boolean => v !== undefined && v !== "" && v !== "0" && v !== 0;

// "print" of a field: the value's own rendering, or UNSPECIFIED when the field is unset.

function printText(v: string | undefined): CiteNode {
  return v === undefined ? UNSPECIFIED : v;
}

/** opts="magicstop": trailing space dropped, and a full stop unless it ends in . ? or ! */
function printMagicstop(v: string | undefined): CiteNode {
  if (v === undefined) return UNSPECIFIED;
  const s = v.replace(TRAILING_SPACE, "");
  return /[?!.]$/.test(s) ? s : `${s}.`;
}

/** A multiple name field: `<span class="person_name">` each, joined by " and ". */
const PERSON_NAME: CiteElement["attrs"] = [["class", "person_name"]];

function printNames(people: readonly Creator[] | undefined): CiteNode {
  if (!people || !people.some((p) => isSet(p.name))) return UNSPECIFIED;
  const out: CiteNode[] = [];
  for (const p of people) {
    if (out.length) out.push(JOIN_NAME);
    out.push(el("span", PERSON_NAME, makeNameString(p.name)));
  }
  return out;
}

/** opts="res=year" on a date: the first four characters. */
function printYear(date: string): CiteNode {
  return date.slice(0, 4);
}

/** EPrints::MetaField::Pagerange::split_range: where a page range splits into from and to. */
function splitRange(range: string): [string | undefined, string | undefined] {
  if (/^[1-9]\p{Nd}*$/u.test(range)) return [range, undefined];
  const m = /^([^-]+)-([^\n]+)$/.exec(range);
  if (!m) return [undefined, undefined];
  const hyphens = range.split("-").length - 1;
  if (hyphens === 1) return [m[1], m[2]];
  // Several hyphens: EPrints splits at the middle one, and gives up if that pattern fails.
  const middle = Math.floor((hyphens - 1) / 2);
  const mm = new RegExp(`^((?:[^-]+-){${middle}}[^-]+)-([^\\n]+)$`).exec(range);
  return mm ? [mm[1], mm[2]] : [undefined, undefined];
}

/** The pagerange phrases: "pp. 1-10", "p. 5", or the value as it is. */
function printPagerange(range: string): CiteNode {
  const [from, to] = splitRange(range);
  if (from !== undefined && to === undefined) return ["p. ", from];
  if (from !== undefined && to !== undefined) return from === to ? ["p. ", from] : ["pp. ", from, "-", to];
  return [range];
}

/** id_number's render_possible_doi: a DOI becomes a resolver link, anything else stays text. */
function printPossibleDoi(v: string | undefined): CiteNode {
  const doi = parseDoi(v ?? "");
  if (!doi) return v ?? "";
  return el("a", [["href", doiUri(doi)], ["target", "_blank"]], doiString(doi));
}

function printSet<K extends string>(labels: Readonly<Record<K, string>>, v: K | undefined): CiteNode {
  return v === undefined ? UNSPECIFIED : labels[v];
}

/** `length(editors_name) gt 1`: "(eds.)" for several editors, "(ed.)" otherwise. */
function editorsCite(r: EPrint): string {
  const names = (r.editors ?? []).map((e) => e.name);
  return isSet(names) && names.length > 1 ? EDITORS_CITE : EDITOR_CITE;
}

/** The first <epc:choose>: who the item is by. */
function byline(r: EPrint): CiteNode {
  if (r.type === "book" && isSet(r.creators)) return ["\n    ", printNames(r.creators), "\n  "];
  if (r.type === "book") return ["\n    ", printNames(r.editors), " ", editorsCite(r), ".\n  "];
  if (r.type === "patent") return ["\n    ", printText(r.patent_applicant), "\n  "];
  return ["\n    ", printNames(r.creators), "\n  "];
}

/** The second <epc:choose>: where the item appeared, one branch per type. */
function source(r: EPrint): CiteNode {
  const out: CiteNode[] = [];
  switch (r.type) {
    case "book":
    case "book_section":
      out.push("\n    ");
      if (r.type === "book_section") {
        out.push("\n      ", PART_OF_PREFIX, " ");
        if (!isSet(r.creators)) out.push(printNames(r.editors), " ", editorsCite(r));
        out.push("\n      ", printMagicstop(r.book_title), "\n    ");
      }
      out.push("\n    ");
      if (isSet(r.edition)) out.push(" ", printText(r.edition), " ed.");
      out.push("\n    ");
      if (truthy(r.series)) {
        out.push("\n      ", printText(r.series));
        if (truthy(r.volume)) out.push(", ", printText(r.volume));
        out.push("\n      ");
        if (truthy(r.number)) out.push(" (", printText(r.number), ")");
        out.push(".\n    ");
      }
      out.push("\n    ", printText(r.publisher));
      if (truthy(r.place_of_pub)) out.push(", ", printText(r.place_of_pub));
      if (truthy(r.pagerange)) out.push(", ", printPagerange(r.pagerange!));
      out.push(".\n    ");
      if (truthy(r.isbn)) out.push(" ISBN ", printText(r.isbn));
      out.push("\n  ");
      return out;
    case "article":
      out.push("\n    ");
      if (truthy(r.publication)) {
        out.push(printText(r.publication));
        if (truthy(r.volume)) out.push(", ", printText(r.volume));
        if (truthy(r.number)) out.push(" (", printText(r.number), ")");
        if (truthy(r.article_number)) out.push(": ", printText(r.article_number));
        out.push(".");
      }
      out.push("\n    ");
      if (truthy(r.pagerange)) out.push(" ", printPagerange(r.pagerange!), ".");
      out.push("\n    ");
      if (truthy(r.issn)) out.push(" ISSN ", printText(r.issn));
      out.push("\n  ");
      return out;
    case "monograph":
      out.push("\n    ", printSet(MONOGRAPH_TYPE_NAMES, r.monograph_type), ".\n    ", printText(r.publisher));
      if (truthy(r.place_of_pub)) out.push(", ", printText(r.place_of_pub));
      out.push(".\n  ");
      return out;
    case "conference_item":
      out.push("\n    ", PART_OF_PREFIX, " ", printText(r.event_title));
      if (truthy(r.event_dates)) out.push(", ", printText(r.event_dates));
      if (truthy(r.event_location)) out.push(", ", printText(r.event_location));
      out.push(".\n  ");
      return out;
    case "thesis":
      return ["\n    ", printSet(THESIS_TYPE_NAMES, r.thesis_type), " ", THESIS_CITE, ", ", printText(r.institution), ".\n  "];
    case "patent":
      return ["\n    ", printPossibleDoi(r.id_number), ".\n  "];
    case "other":
      out.push("\n    ", printText(r.publisher));
      if (truthy(r.place_of_pub)) out.push(", ", printText(r.place_of_pub));
      out.push(".\n  ");
      return out;
    default:
      return ["\n    [", EPRINT_TYPE_NAMES[r.type], "]\n  "];
  }
}

/** The last <epc:if>: a publication status other than "published", except for patents and theses. */
function status(r: EPrint): CiteNode {
  if (r.type === "patent" || r.type === "thesis") return [];
  const pending = r.ispublished === "unpub" || r.ispublished === "submitted" || r.ispublished === "inpress";
  return ["\n  ", pending ? [" (", ISPUBLISHED_NAMES[r.ispublished!], ")"] : [], "\n"];
}

/**
 * The citation's nodes. With `url` (render_citation_link) the title is a link to it, as in
 * the HTML export; without it (render_citation) the title is bare, as in the text exports.
 */
export function defaultCitation(r: EPrint, url?: string): CiteNode[] {
  const title = el("em", [], printMagicstop(r.title));
  return [
    "\n\n",
    byline(r),
    "\n\n",
    truthy(r.date) ? ["(", printYear(r.date!), ")"] : [],
    "\n\n",
    url === undefined ? title : el("a", [["href", url]], title),
    "\n\n",
    source(r),
    "\n\n",
    status(r),
    "\n\n",
  ];
}

/** The plain-text citation, exactly as EPrints' text exports carry it (leading and double spaces included). */
export function citationText(r: EPrint): string {
  return treeToUtf8(defaultCitation(r));
}

/** The HTML export's `<p class="citation">`, the title linked to the abstract page. */
export function citationHtml(r: EPrint, ctx: FormatContext): string {
  return toXhtml(el("p", [["class", "citation"]], defaultCitation(r, abstractPageUrl(r, ctx))));
}
