/**
 * EPrints::DOI as the renderers use it (`render_possible_doi` on id_number): which strings
 * EPrints turns into a https://doi.org/ link, and the link and text it writes. Kept apart
 * from records/validators.ts, which decides what a depositor may enter; this decides what
 * EPrints would print for what is stored.
 */

export interface Doi {
  /** The registrant code, after `10.`. */
  reg: string;
  /** The suffix after the first `/`, as far as the DOI syntax reaches. */
  dss: string;
}

/** Perl's \p{Graph}: anything visible, i.e. not white space, control, surrogate or unassigned. */
const GRAPH = "[^\\p{White_Space}\\p{Cc}\\p{Cs}\\p{Cn}]";
const DOI_SYNTAX = new RegExp(`^10\\.([^/]+)/(${GRAPH}(?:[^/]${GRAPH}*)?)`, "u");
const PROXY = /^https?:\/\/(?:(?:dx\.)?doi\.org|doi\.acm\.org|doi\.ieeecomputersociety\.org)\/+(?:doi:)?/i;

/**
 * URI::Escape::uri_unescape followed by utf8::decode. A pure-ASCII value (the usual URL) is
 * not yet flagged as characters in Perl, so its escapes are read as UTF-8 bytes; otherwise
 * each escape becomes the code point of its byte.
 */
function uriUnescape(s: string): string {
  const ascii = !/[^\x00-\x7F]/.test(s);
  const latin1 = s.replace(/%([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
  if (!ascii) return latin1;
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(Buffer.from(latin1, "latin1"));
  } catch {
    return latin1;
  }
}

/** EPrints::DOI->parse: undefined when the value is not a DOI EPrints would link. */
export function parseDoi(value: string): Doi | undefined {
  let doi = value;
  if (PROXY.test(doi)) doi = uriUnescape(doi.replace(PROXY, ""));
  else if (/^info:doi\//i.test(doi)) doi = uriUnescape(doi.slice("info:doi/".length));
  else {
    doi = doi.replace(/^doi:/i, "");
    if (/^10[^\n][^/]+%2F/i.test(doi)) doi = uriUnescape(doi);
  }
  const m = DOI_SYNTAX.exec(doi);
  return m ? { reg: m[1]!, dss: m[2]! } : undefined;
}

/** URI::Escape::uri_escape_utf8: everything but A-Z a-z 0-9 - . _ ~ is percent-encoded. */
function uriEscapeUtf8(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** `$doi->to_uri`: the https://doi.org/ resolver link. */
export function doiUri(doi: Doi): string {
  return `https://doi.org/10.${uriEscapeUtf8(doi.reg)}/${uriEscapeUtf8(doi.dss)}`;
}

/** `$doi->to_string(noprefix => 1)`. */
export function doiString(doi: Doi): string {
  return `10.${doi.reg}/${doi.dss}`;
}
