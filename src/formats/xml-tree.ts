/**
 * A small element tree and the two ways EPrints turns such a tree into text. The XML
 * plugins other than EP3 XML build a libxml2 DOM, and the bytes depend on which path
 * serialises it:
 *
 * - `eprintsString`: EPrints::XML::to_string called as a function (single exports of
 *   MODS, METS, ContextObject, the OAI_* plugins, and page heads). Attributes come before
 *   namespace declarations, empty elements are written `<x></x>` (HTML void elements
 *   `<x />`), and attribute values escape only `& < > "`.
 * - `libxmlString`: libxml2's own serialiser (DIDL's single export, and every payload
 *   inside an OAI-PMH response). Namespace declarations come first, empty elements are
 *   written `<x/>`, and `format` indents as libxml2 does.
 *
 * Characters XML 1.0 forbids become U+FFFD in both paths. EPrints does that only in its
 * OAI path; Vellum does it everywhere so every export stays well-formed.
 */
import { escapeAttribute, escapeText as libxmlEscapeText, replaceInvalidXmlChars } from "./libxml.js";

export const XSI_NS = "http://www.w3.org/2001/XMLSchema-instance";

export interface XmlElement {
  name: string;
  /** Namespace declarations in output order; prefix "" is the default namespace. */
  ns: readonly (readonly [prefix: string, uri: string])[];
  attrs: readonly (readonly [name: string, value: string])[];
  /** Strings are text nodes. An empty string is kept as a child, as libxml2 keeps an empty text node. */
  children: readonly XmlNode[];
}
export type XmlNode = XmlElement | string;

export function el(
  name: string,
  attrs: readonly (readonly [string, string])[] = [],
  children: readonly XmlNode[] = [],
  ns: readonly (readonly [string, string])[] = [],
): XmlElement {
  return { name, ns, attrs, children };
}

/** An element holding one text node (EPrints' render_data_element / create_data_element). */
export function textEl(name: string, text: string, attrs: readonly (readonly [string, string])[] = []): XmlElement {
  return el(name, attrs, [text]);
}

/** A text node's content, with forbidden characters replaced first. */
export function escapeText(s: string): string {
  return libxmlEscapeText(replaceInvalidXmlChars(s));
}

function escapeAttrEPrints(s: string): string {
  return escapeAttribute(replaceInvalidXmlChars(s));
}

/** libxml2 also writes tab, CR and LF in attribute values as character references. */
const LIBXML_ATTR: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\n": "&#10;", "\r": "&#13;", "\t": "&#9;" };
function escapeAttrLibxml(s: string): string {
  return replaceInvalidXmlChars(s).replace(/[&<>"\n\r\t]/g, (c) => LIBXML_ATTR[c]!);
}

function nsAttr([prefix, uri]: readonly [string, string], esc: (s: string) => string): string {
  return ` ${prefix ? `xmlns:${prefix}` : "xmlns"}="${esc(uri)}"`;
}

/** HTML void elements, which EPrints writes as `<x />` when they are empty (@EPrints::XML::COMPRESS_TAGS). */
const COMPRESS_TAGS = new Set(["br", "hr", "img", "link", "input", "meta"]);

export function eprintsString(node: XmlNode): string {
  if (typeof node === "string") return escapeText(node);
  let out = `<${node.name}`;
  for (const [k, v] of node.attrs) out += ` ${k}="${escapeAttrEPrints(v)}"`;
  for (const d of node.ns) out += nsAttr(d, escapeAttrEPrints);
  if (node.children.length === 0 && COMPRESS_TAGS.has(node.name)) return `${out} />`;
  out += ">";
  for (const c of node.children) out += eprintsString(c);
  return `${out}</${node.name}>`;
}

/**
 * libxml2's xmlNodeDumpOutput. With `format`, an element whose children are all elements
 * gets each child on its own line, indented two spaces per level; any text child turns
 * formatting off for that element's whole subtree.
 */
export function libxmlString(node: XmlNode, opts: { format?: boolean } = {}, level = 0): string {
  if (typeof node === "string") return escapeText(node);
  let out = `<${node.name}`;
  for (const d of node.ns) out += nsAttr(d, escapeAttrLibxml);
  for (const [k, v] of node.attrs) out += ` ${k}="${escapeAttrLibxml(v)}"`;
  if (node.children.length === 0) return `${out}/>`;
  out += ">";
  const format = !!opts.format && node.children.every((c) => typeof c !== "string");
  if (format) out += "\n";
  for (const c of node.children) {
    if (format) out += "  ".repeat(level + 1);
    out += libxmlString(c, { format }, level + 1);
    if (format) out += "\n";
  }
  if (format) out += "  ".repeat(level);
  return `${out}</${node.name}>`;
}
