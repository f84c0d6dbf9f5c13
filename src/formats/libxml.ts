/**
 * How EPrints turns its libxml2 DOM into text, for the formats that EPrints builds as a DOM
 * (citations, oai_dc). This differs from the EP3 XML writer in xml.ts, which EPrints writes
 * with its own SAX-style escaping.
 */

/** A text node as libxml2 writes it (xmlEscapeContent): quotes stay literal, CR becomes `&#13;`. */
export function escapeText(s: string): string {
  return s.replace(/[&<>\r]/g, (c) => (c === "&" ? "&amp;" : c === "<" ? "&lt;" : c === ">" ? "&gt;" : "&#13;"));
}

/** An attribute value as EPrints::XML::to_string quotes it (double quotes, four entities). */
export function escapeAttribute(s: string): string {
  return s.replace(/[&<>"]/g, (c) => (c === "&" ? "&amp;" : c === "<" ? "&lt;" : c === ">" ? "&gt;" : "&quot;"));
}

/**
 * EPrints::XML->to_string (the OAI-PMH response path) replaces code points that XML 1.0
 * forbids or discourages with U+FFFD, so a harvester never receives an unparseable document.
 */
export function replaceInvalidXmlChars(s: string): string {
  return s.replace(/[\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F\uFFFE\uFFFF]/g, "\uFFFD");
}
