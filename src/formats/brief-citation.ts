/**
 * The `brief` citation (lib/citations/eprint/brief.xml), EPrints' short description of an
 * eprint: the title, or "Type #id" when there is none, between two blank lines of the
 * template. The feeds' entry titles and the RDF abstract-page title are made from it.
 */
import type { EPrint } from "../records/schema.js";
import { typeLabel } from "./render.js";

/** The text nodes of the rendered citation, in order (each collapses on its own in tree_to_utf8). */
export function briefCitationNodes(r: EPrint): string[] {
  return ["\n\n", ...(r.title !== undefined ? [r.title] : [typeLabel(r.type), " #", String(r.eprintid)]), "\n\n"];
}
