/**
 * METS (flavours/pub_lib/plugins/EPrints/Plugin/Export/METS.pm, OAI prefix `mets`): the
 * MODS description in a dmdSec, the deposit agreement as rights metadata, then the
 * files. CREATEDATE is the time of the export (`ctx.now()`), as in EPrints.
 *
 * Vellum records carry no documents yet, so fileSec and the structMap div are always
 * empty, which is what EPrints writes for an eprint without documents.
 */
import type { EPrint } from "../records/schema.js";
import type { ExportFormat, FormatContext } from "./types.js";
import { MODS_NS, MODS_SCHEMA, modsChildren } from "./mods.js";
import { XSI_NS, el, eprintsString, libxmlString, textEl, type XmlElement, type XmlNode } from "./xml-tree.js";

export const METS_NS = "http://www.loc.gov/METS/";
export const METS_SCHEMA = "http://www.loc.gov/standards/mets/mets.xsd";
const XLINK_NS = "http://www.w3.org/1999/xlink";
const XHTML_NS = "http://www.w3.org/1999/xhtml";

/**
 * The `deposit_agreement_text` phrase (lib/lang/en/phrases/system.xml) with the archive
 * name filled in, as the XHTML nodes EPrints renders it to, line breaks and all.
 */
function depositAgreement(archiveName: string): XmlNode[] {
  const p = (children: XmlNode[]) => el("p", [], children, [["", XHTML_NS]]);
  return [
    "\n",
    p([
      el("strong", [], ["For work being deposited by its own author:"]),
      "\nIn self-archiving this collection of files and associated bibliographic\nmetadata, I grant " +
        archiveName +
        " the right to store\nthem and to make them permanently available publicly for free on-line.\nI declare that this material is my own intellectual property and I\nunderstand that " +
        archiveName +
        " does not assume any\nresponsibility if there is any breach of copyright in distributing these\nfiles or metadata. (All authors are urged to prominently assert their\ncopyright on the title page of their work.)",
    ]),
    "\n\n",
    p([
      el("strong", [], ["For work being deposited by someone other than its\nauthor:"]),
      " I hereby declare that the collection of files and\nassociated bibliographic metadata that I am archiving at\n" +
        archiveName +
        " is in the public domain. If this is\nnot the case, I accept full responsibility for any breach of copyright\nthat distributing these files or metadata may entail.",
    ]),
    "\n\n",
    p(["Clicking on the ", el("em", [], ["Deposit Item Now"]), " button indicates your agreement to these\nterms."]),
    "\n    ",
  ];
}

/** EPrints::Time::get_iso_timestamp: UTC to the second. */
function isoTimestamp(d: Date): string {
  return `${d.toISOString().slice(0, 19)}Z`;
}

/** `<mets:mets>` with its namespace declarations and attributes in the order each path writes them. */
function metsElement(r: EPrint, ctx: FormatContext, inOai: boolean): XmlElement {
  const id = `eprint_${r.eprintid}`;
  const dmdId = `DMD_${id}_mods`;
  const amdId = `TMD_${id}`;
  const wrap = (children: XmlNode[]) => el("mets:mdWrap", [["MDTYPE", "MODS"]], [el("mets:xmlData", [], children)]);
  const children = [
    el("mets:metsHdr", [["CREATEDATE", isoTimestamp(ctx.now())]], [
      el("mets:agent", [["ROLE", "CUSTODIAN"], ["TYPE", "ORGANIZATION"]], [textEl("mets:name", ctx.repo.archiveName)]),
    ]),
    el("mets:dmdSec", [["ID", dmdId]], [wrap(modsChildren(r, ctx))]),
    el("mets:amdSec", [["ID", amdId]], [
      el("mets:rightsMD", [["ID", `rights_${id}_mods`]], [wrap([el("mods:useAndReproduction", [], depositAgreement(ctx.repo.archiveName))])]),
    ]),
    el("mets:fileSec"),
    el("mets:structMap", [], [el("mets:div", [["DMDID", dmdId], ["ADMID", amdId]])]),
  ];
  const attrs: [string, string][] = [
    ["OBJID", id],
    ["LABEL", "Eprints Item"],
    ["xsi:schemaLocation", `${METS_NS} ${METS_SCHEMA} ${MODS_NS} ${MODS_SCHEMA}`],
  ];
  const ns: [string, string][] = [
    ["mets", METS_NS],
    ["mods", MODS_NS],
    ["xlink", XLINK_NS],
  ];
  // Inside an OAI response xsi is already declared on the OAI-PMH root, and libxml2 drops the repeat.
  if (!inOai) ns.push(["xsi", XSI_NS]);
  return el("mets:mets", attrs, children, ns);
}

const LIST_HEAD = '<?xml version="1.0" encoding="utf-8" ?>\n\n<mets-objects>\n';

export const metsFormat: ExportFormat = {
  id: "METS",
  label: "METS",
  mediaType: "text/xml; charset=utf-8",
  extension: ".xml",
  visibility: "all",
  oai: { prefix: "mets", schema: METS_SCHEMA, namespace: METS_NS },
  serialize: (record, ctx) => eprintsString(metsElement(record, ctx, false)),
  list: {
    head: () => LIST_HEAD,
    item: (record, ctx) => eprintsString(metsElement(record, ctx, false)),
    tail: () => "</mets-objects>\n",
  },
  oaiMetadata: (record, ctx) => libxmlString(metsElement(record, ctx, true)),
};
