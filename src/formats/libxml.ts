/**
 * How EPrints turns its libxml2 DOM into text, for the formats that EPrints builds as a DOM
 * (citations, oai_dc). This differs from the EP3 XML writer in xml.ts, which EPrints writes
 * with its own SAX-style escaping.
 *
 * Each function tests for a character it changes before replacing: most values have none,
 * and are then returned as they are, without a copy.
 */

const TEXT_SPECIAL = /[&<>\r]/;
const TEXT_SPECIALS = /[&<>\r]/g;

/** A text node as libxml2 writes it (xmlEscapeContent): quotes stay literal, CR becomes `&#13;`. */
export function escapeText(s: string): string {
  return TEXT_SPECIAL.test(s)
    ? s.replace(TEXT_SPECIALS, (c) => (c === "&" ? "&amp;" : c === "<" ? "&lt;" : c === ">" ? "&gt;" : "&#13;"))
    : s;
}

const ATTRIBUTE_SPECIAL = /[&<>"]/;
const ATTRIBUTE_SPECIALS = /[&<>"]/g;

/** An attribute value as EPrints::XML::to_string quotes it (double quotes, four entities). */
export function escapeAttribute(s: string): string {
  return ATTRIBUTE_SPECIAL.test(s)
    ? s.replace(ATTRIBUTE_SPECIALS, (c) => (c === "&" ? "&amp;" : c === "<" ? "&lt;" : c === ">" ? "&gt;" : "&quot;"))
    : s;
}

const INVALID_CHAR = /[\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F\uFFFE\uFFFF]/;
const INVALID_CHARS = /[\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F\uFFFE\uFFFF]/g;

/**
 * EPrints::XML->to_string (the OAI-PMH response path) replaces code points that XML 1.0
 * forbids or discourages with U+FFFD, so a harvester never receives an unparseable document.
 */
export function replaceInvalidXmlChars(s: string): string {
  return INVALID_CHAR.test(s) ? s.replace(INVALID_CHARS, "\uFFFD") : s;
}

const TEXT_OR_INVALID = /[&<>\r\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F\uFFFE\uFFFF]/;

/** `escapeText(replaceInvalidXmlChars(s))` with one scan for the common value that needs neither. */
export function cleanText(s: string): string {
  return TEXT_OR_INVALID.test(s) ? escapeText(replaceInvalidXmlChars(s)) : s;
}
