/**
 * The public URLs of an eprint (REFERENCE.md §6.1), as the pub flavour builds them with
 * `use_long_url_format` on.
 */
import type { EPrint } from "../records/schema.js";
import type { FormatContext } from "./types.js";

/** The abstract page, `{base_url}/id/eprint/N/` (EPrints' `get_url`/`url_stem`), whatever the status. */
export function abstractPageUrl(record: Pick<EPrint, "eprintid">, ctx: FormatContext): string {
  return `${ctx.repo.baseUrl}/id/eprint/${record.eprintid}/`;
}
