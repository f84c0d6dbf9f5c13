/**
 * Whether creator and editor ids may appear in public output.
 *
 * The id of a creator or editor is usually an e-mail address. EPrints 3.4.4+ keeps it out
 * of XML, JSON and CSV (eprints3.4#208), but its RDF exports still build person URIs from
 * it (`…/id/person/ext-someone@example.ac.uk`) and its Atom export writes it as the
 * author's `<email>`. Vellum keeps ids private by default: a person gets the URI EPrints
 * gives a person without an id, and Atom authors an empty `<email/>`, as EPrints writes
 * for them. `exportCreatorIds: true` restores EPrints 3.4.7's output byte for byte.
 * The switch is VELLUM_EXPORT_CREATOR_IDS (FormatOptions.exportCreatorIds).
 */
import type { FormatContext } from "./types.js";

export function creatorIdsPublic(ctx: FormatContext): boolean {
  return ctx.options.exportCreatorIds === true;
}
