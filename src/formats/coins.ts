/**
 * COinS (perl_lib/EPrints/Plugin/Export/COinS.pm): the OpenURL ContextObject of an
 * eprint as a key/encoded-value query string, the value of a `<span class="Z3988"
 * title="...">`. Same description as the ContextObject export (openurl.ts), except that
 * the KEV form carries only the first author, and id_number goes in `rft_id` as stored.
 *
 * Values are escaped as URI::OpenURL writes a query: everything but letters, digits and
 * `- _ . ! ~ * ' ( )` is percent-encoded as UTF-8, and a space becomes `+`. The order of
 * the first author's parts and of the fields is Vellum's fixed choice; EPrints' follows
 * Perl hash order.
 */
import type { EPrint } from "../records/schema.js";
import type { ExportFormat, FormatContext } from "./types.js";
import { referent, type OpenUrlFormat } from "./openurl.js";

const KEV_FORMAT: Readonly<Record<OpenUrlFormat, string>> = {
  journal: "info:ofi/fmt:kev:mtx:journal",
  book: "info:ofi/fmt:kev:mtx:book",
  dissertation: "info:ofi/fmt:kev:mtx:dissertation",
  dc: "info:ofi/fmt:kev:mtx:dc",
};

function kevEscape(s: string): string {
  return encodeURIComponent(s).replace(/%20/g, "+");
}

export function coinsPairs(r: EPrint, ctx: FormatContext): [key: string, value: string][] {
  const ref = referent(r, ctx);
  const pairs: [string, string][] = [["url_ver", "Z39.88-2004"]];
  if (r.id_number !== undefined) pairs.push(["rft_id", r.id_number]);
  pairs.push(["rft_val_fmt", KEV_FORMAT[ref.format]]);
  const fields: (readonly [string, string])[] = [];
  if (ref.format === "dc") fields.push(...ref.dc);
  else {
    const first = ref.authors[0];
    if (first) fields.push(["aulast", first.aulast], ["au", first.au], ["aufirst", first.aufirst]);
    fields.push(...ref.fields);
  }
  for (const [k, v] of fields) pairs.push([`rft.${k}`, v]);
  return pairs;
}

export const coinsFormat: ExportFormat = {
  id: "COinS",
  label: "OpenURL ContextObject in Span",
  mediaType: "text/plain; charset=utf-8",
  extension: ".txt",
  visibility: "all",
  only: "single",
  serialize: (record, ctx) => `?${coinsPairs(record, ctx).map(([k, v]) => `${k}=${kevEscape(v)}`).join("&")}`,
};
