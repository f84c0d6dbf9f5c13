/**
 * The OAI-PMH response envelope, written as text in the layout EPrints' cgi/oai2 produces
 * (libxml2 `indent => 1` around elements whose children are all elements, hand-made indent
 * text inside records), so a response for the same records reads the same byte for byte.
 *
 * Divergences, deliberate: no `<?xml-stylesheet?>` PI (Vellum serves no oai2.xsl), and
 * `request` echoes the arguments on every error but badVerb/badArgument (EPrints drops them
 * on any error).
 */

export const OAI_NS = "http://www.openarchives.org/OAI/2.0/";
export const XSI_NS = "http://www.w3.org/2001/XMLSchema-instance";
const OAI_SCHEMA_LOCATION = `${OAI_NS} http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd`;

export const OAI_CONTENT_TYPE = "text/xml; charset=UTF-8";

// XML 1.0 Char production; anything else (C0 controls, lone surrogates, U+FFFE/F) becomes U+FFFD
const INVALID_XML = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/**
 * A character either function below changes: markup, CR, or one that may be outside the XML
 * Char production (C0 controls, any surrogate, U+FFFE/F). Without one, a value is used as
 * it is; most values have none.
 */
const MAYBE_CHANGED = /[&<>"\r\n\t\x00-\x08\x0B\x0C\x0E-\x1F\uD800-\uDFFF\uFFFE\uFFFF]/;

/** Text content as libxml2 escapes it; characters XML cannot carry become U+FFFD. */
export function escapeText(s: string): string {
  if (!MAYBE_CHANGED.test(s)) return s;
  return s.replace(INVALID_XML, "\uFFFD").replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/\r/g, "&#13;");
}

/** An attribute value (double-quoted) as libxml2 escapes it. */
export function escapeAttribute(s: string): string {
  if (!MAYBE_CHANGED.test(s)) return s;
  return s
    .replace(INVALID_XML, "\uFFFD")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/\n/g, "&#10;")
    .replace(/\r/g, "&#13;")
    .replace(/\t/g, "&#9;");
}

export function element(name: string, text: string, attrs: [string, string][] = []): string {
  return `<${name}${attrs.map(([k, v]) => ` ${k}="${escapeAttribute(v)}"`).join("")}>${escapeText(text)}</${name}>`;
}

/** `YYYY-MM-DDThh:mm:ssZ`, the protocol's UTC datetime at seconds granularity. */
export function utcDatetime(d: Date): string {
  return `${d.toISOString().slice(0, 19)}Z`;
}

export type ErrorCode =
  | "badArgument"
  | "badResumptionToken"
  | "badVerb"
  | "cannotDisseminateFormat"
  | "idDoesNotExist"
  | "noRecordsMatch"
  | "noMetadataFormats"
  | "noSetHierarchy";

export interface OaiError {
  code: ErrorCode;
  message: string;
}

export interface Envelope {
  responseDate: Date;
  /** The base URL, the content of `request`. */
  baseUrl: string;
  /** Attributes of `request`, in order; empty on badVerb/badArgument. */
  request: [string, string][];
}

function open(env: Envelope): string {
  return (
    `<?xml version='1.0' encoding='UTF-8'?>\n` +
    `<OAI-PMH xmlns="${OAI_NS}" xmlns:xsi="${XSI_NS}" xsi:schemaLocation="${OAI_SCHEMA_LOCATION}">\n` +
    `  ${element("responseDate", utcDatetime(env.responseDate))}\n` +
    `  ${element("request", env.baseUrl, env.request)}\n`
  );
}

/**
 * A verb's response: `parts` are the children of the verb element, each already rendered,
 * each on its own line at four spaces (libxml2's indentation for element-only content).
 */
export function verbResponse(env: Envelope, verb: string, parts: Iterable<string>): string {
  let out = `${open(env)}  <${verb}>\n`;
  for (const p of parts) out += `    ${p}\n`;
  return `${out}  </${verb}>\n</OAI-PMH>`;
}

export function errorResponse(env: Envelope, errors: OaiError[]): string {
  return `${open(env)}${errors.map((e) => `  ${element("error", e.message, [["code", e.code]])}\n`).join("")}</OAI-PMH>`;
}

/**
 * Pretty-prints a tree of elements the way libxml2 does with indent=1, starting at `depth`
 * (two spaces per level); used for Identify, ListMetadataFormats and ListSets, whose
 * elements hold either only elements or only text.
 */
export type Node = { name: string; attrs?: [string, string][]; text?: string; children?: Node[] };

export function pretty(n: Node, depth: number): string {
  const attrs = (n.attrs ?? []).map(([k, v]) => ` ${k}="${escapeAttribute(v)}"`).join("");
  if (!n.children) return `<${n.name}${attrs}>${escapeText(n.text ?? "")}</${n.name}>`;
  const pad = "  ".repeat(depth + 1);
  return `<${n.name}${attrs}>${n.children.map((c) => `\n${pad}${pretty(c, depth + 1)}`).join("")}\n${"  ".repeat(depth)}</${n.name}>`;
}
