/**
 * UK E-Theses qualified Dublin Core for EThOS (flavours/pub_lib/plugins/EPrints/Plugin/
 * Export/OAI_UKETD_DC.pm, OAI prefix `uketd_dc`). Only theses have content; any other
 * type gives an empty `uketd_dc:uketddc`, as the examples show.
 *
 * Kept as EPrints writes them: `dc:title` and `dcterms:abstract` are written even when
 * empty; qualificationlevel is the stored thesis_type id (EPrints only maps `phd` and
 * `engd`, which the pub flavour's thesis_type never holds, so it also never derives a
 * qualificationname from it); the DOI is XML-escaped once before it becomes text, so a
 * `&` in a DOI arrives as `&amp;amp;`; an id_number that is not a DOI is left out.
 */
import type { EPrint } from "../records/schema.js";
import type { ExportFormat, FormatContext } from "./types.js";
import { DC_NS } from "./oai_dc.js";
import { abstractPageUrl } from "./eprint-urls.js";
import { doiString, parseDoi } from "./eprints-doi.js";
import { treeToUtf8 } from "./citation.js";
import { makeNameString } from "./render.js";
import { EPRINT_TYPE_NAMES } from "./phrases.js";
import { XSI_NS, el, eprintsString, escapeText, libxmlString, textEl, type XmlNode } from "./xml-tree.js";

export const UKETD_DC_NS = "http://naca.central.cranfield.ac.uk/ethos-oai/2.0/";
export const UKETD_DC_SCHEMA = "http://naca.central.cranfield.ac.uk/ethos-oai/2.0/uketd_dc.xsd";
const DCTERMS_NS = "http://purl.org/dc/terms/";
const UKETDTERMS_NS = "http://naca.central.cranfield.ac.uk/ethos-oai/terms/";
/** The contributor type EPrints reads as a thesis advisor (its plugin default). */
const THESIS_ADVISOR = "http://www.loc.gov/loc.terms/relators/THS";

type Element = [name: string, value: string, xsiType?: string];

function thesisElements(r: EPrint, ctx: FormatContext): Element[] {
  const out: Element[] = [];
  const add = (name: string, value: string | undefined, xsiType?: string) => {
    if (value !== undefined) out.push(xsiType ? [name, value, xsiType] : [name, value]);
  };
  out.push(["dc:title", r.title ?? ""]);
  add("dc:date", r.date);
  for (const c of r.creators ?? []) add("dc:creator", makeNameString(c.name));
  for (const id of r.subjects ?? []) if (ctx.subjects.get(id)) add("dc:subject", treeToUtf8(ctx.subjects.name(id)));
  out.push(["dcterms:abstract", r.abstract ?? ""]);
  add("uketdterms:commercial", r.publisher);
  for (const e of r.editors ?? []) add("dc:contributor", makeNameString(e.name));
  if (r.date !== undefined) add("dcterms:issued", /^\d{4}(?:-\d\d)?/.exec(r.date)?.[0]);
  add("dc:type", EPRINT_TYPE_NAMES[r.type]);
  add("dcterms:isReferencedBy", abstractPageUrl(r, ctx));
  const doi = r.id_number !== undefined ? parseDoi(r.id_number) : undefined;
  if (doi) add("dc:identifier", escapeText(doiString(doi)), "dcterms:DOI");
  add("dcterms:isReferencedBy", r.official_url, "dcterms:URI");
  add("uketdterms:qualificationname", r.thesis_name);
  add("uketdterms:qualificationlevel", r.thesis_type);
  add("uketdterms:institution", r.institution);
  add("uketdterms:department", r.department);
  for (const c of r.contributors ?? []) if (c.type === THESIS_ADVISOR) add("uketdterms:advisor", makeNameString(c.name));
  for (const f of r.funders ?? []) add("uketdterms:sponsor", f);
  add("dcterms:references", r.referencetext);
  return out;
}

function uketddc(r: EPrint, ctx: FormatContext, inOai: boolean) {
  const children: XmlNode[] =
    r.type === "thesis"
      ? thesisElements(r, ctx).flatMap(([name, value, xsiType]) => ["\n        ", textEl(name, value, xsiType ? [["xsi:type", xsiType]] : [])])
      : [];
  const attrs: [string, string][] = [["xsi:schemaLocation", `${UKETD_DC_NS} ${UKETD_DC_SCHEMA}`]];
  const others: [string, string][] = [
    ["dcterms", DCTERMS_NS],
    ["uketdterms", UKETDTERMS_NS],
  ];
  // Each path orders the declarations its own way; inside OAI, xsi comes from the OAI-PMH root.
  const ns: [string, string][] = inOai
    ? [["uketd_dc", UKETD_DC_NS], ["dc", DC_NS], ...others]
    : [["dc", DC_NS], ["xsi", XSI_NS], ["uketd_dc", UKETD_DC_NS], ...others];
  return el("uketd_dc:uketddc", attrs, children, ns);
}

export const oaiUketdDcFormat: ExportFormat = {
  id: "OAI_UKETD_DC",
  label: "UK ETD DC OAI Schema",
  mediaType: "text/xml",
  extension: ".xml",
  visibility: "hidden",
  only: "single",
  oai: { prefix: "uketd_dc", schema: UKETD_DC_SCHEMA, namespace: UKETD_DC_NS },
  serialize: (record, ctx) => eprintsString(uketddc(record, ctx, false)),
  oaiMetadata: (record, ctx) => libxmlString(uketddc(record, ctx, true)),
};
