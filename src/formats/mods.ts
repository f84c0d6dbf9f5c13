/**
 * MODS 3.3 (flavours/pub_lib/plugins/EPrints/Plugin/Export/MODS.pm): a short description
 * of an eprint. METS embeds the same children in its dmdSec.
 *
 * Kept as EPrints writes them (REFERENCE.md §5.7, §8.17): the subject label is
 * XML-serialised before it becomes text, so `&` arrives as `&amp;amp;`; date and
 * publisher sit in two separate originInfo elements; a creator without a given name
 * still gets an empty given namePart.
 */
import type { EPrint } from "../records/schema.js";
import type { ExportFormat, FormatContext } from "./types.js";
import { EPRINT_TYPE_NAMES } from "./phrases.js";
import { XSI_NS, el, eprintsString, escapeText, textEl, type XmlElement } from "./xml-tree.js";

export const MODS_NS = "http://www.loc.gov/mods/v3";
export const MODS_SCHEMA = "http://www.loc.gov/standards/mods/v3/mods-3-3.xsd";

/** The publisher MODS reports: for a thesis the awarding institution (and department). */
function publisher(r: EPrint): string | undefined {
  if (r.type === "thesis" && r.institution) return r.department ? `${r.institution};${r.department}` : r.institution;
  return r.publisher;
}

/** The children of `<mods:mods>`, in EPrints' order. */
export function modsChildren(r: EPrint, ctx: FormatContext): XmlElement[] {
  const out: XmlElement[] = [];
  if (r.title !== undefined) out.push(el("mods:titleInfo", [], [textEl("mods:title", r.title)]));
  for (const c of r.creators ?? []) {
    out.push(
      el("mods:name", [["type", "personal"]], [
        textEl("mods:namePart", c.name.given ?? "", [["type", "given"]]),
        textEl("mods:namePart", c.name.family ?? "", [["type", "family"]]),
        el("mods:role", [], [textEl("mods:roleTerm", "author", [["type", "text"]])]),
      ]),
    );
  }
  if (r.abstract !== undefined) out.push(textEl("mods:abstract", r.abstract));
  for (const id of r.subjects ?? []) {
    if (!ctx.subjects.get(id)) continue;
    out.push(textEl("mods:classification", escapeText(ctx.subjects.name(id)), [["authority", "lcc"]]));
  }
  if (r.date !== undefined) {
    out.push(el("mods:originInfo", [], [textEl("mods:dateIssued", r.date.replace(/(-0+)+$/, ""), [["encoding", "iso8601"]])]));
  }
  const pub = publisher(r);
  if (pub !== undefined) out.push(el("mods:originInfo", [], [textEl("mods:publisher", pub)]));
  out.push(textEl("mods:genre", EPRINT_TYPE_NAMES[r.type]));
  return out;
}

export const modsFormat: ExportFormat = {
  id: "MODS",
  label: "MODS",
  mediaType: "text/xml; charset=utf-8",
  extension: ".xml",
  visibility: "all",
  only: "single",
  serialize: (record, ctx) =>
    eprintsString(
      el(
        "mods:mods",
        [
          ["version", "3.3"],
          ["xsi:schemaLocation", `${MODS_NS} ${MODS_SCHEMA}`],
        ],
        modsChildren(record, ctx),
        [
          ["mods", MODS_NS],
          ["xsi", XSI_NS],
        ],
      ),
    ),
};
