/**
 * MPEG-21 DIDL (perl_lib/EPrints/Plugin/Export/DIDL.pm, OAI prefix `didl`), the DRIVER
 * compound-object wrapping: an Item for the eprint holding its identifier, modification
 * time and export link, then Items for its oai_dc description, its files and its abstract
 * page.
 *
 * Unlike EPrints' other XML exports, the single export is libxml2's indented output;
 * inside OAI-PMH it is written unindented like every payload. Vellum records carry no
 * documents yet, so there are no file Items, as for an EPrints eprint without documents.
 */
import type { EPrint } from "../records/schema.js";
import type { ExportFormat, FormatContext } from "./types.js";
import { dublinCore } from "./dublin-core.js";
import { abstractPageUrl } from "./eprint-urls.js";
import { DC_NS, OAI_DC_NS, OAI_DC_SCHEMA } from "./oai_dc.js";
import { indentedDc } from "./oai_bibliography.js";
import { XSI_NS, el, libxmlString, textEl, type XmlElement, type XmlNode } from "./xml-tree.js";

export const DIDL_NS = "urn:mpeg:mpeg21:2002:02-DIDL-NS";
export const DIDL_SCHEMA = "http://standards.iso.org/ittf/PubliclyAvailableStandards/MPEG-21_schema_files/did/didl.xsd";
const DII_NS = "urn:mpeg:mpeg21:2002:01-DII-NS";
const DIP_NS = "urn:mpeg:mpeg21:2002:01-DIP-NS";
const DCTERMS_NS = "http://purl.org/dc/terms/";
// The DIP location names the 2005 namespace while the declaration is the 2002 one, as in EPrints.
const SCHEMA_LOCATION = [
  DIDL_NS,
  DIDL_SCHEMA,
  DII_NS,
  "http://standards.iso.org/ittf/PubliclyAvailableStandards/MPEG-21_schema_files/dii/dii.xsd",
  "urn:mpeg:mpeg21:2005:01-DIP-NS",
  "http://standards.iso.org/ittf/PubliclyAvailableStandards/MPEG-21_schema_files/dip/dip.xsd",
].join(" ");

const XML_MIME: [string, string] = ["mimeType", "application/xml"];

function descriptor(statement: XmlElement): XmlElement {
  return el("didl:Descriptor", [], [el("didl:Statement", [XML_MIME], [statement])]);
}

function component(resourceAttrs: [string, string][], content: XmlNode[] = []): XmlElement {
  return el("didl:Component", [], [el("didl:Resource", resourceAttrs, content)]);
}

function didl(r: EPrint, ctx: FormatContext, inOai: boolean): XmlElement {
  const uri = `${ctx.repo.baseUrl}/id/eprint/${r.eprintid}`;
  const exportUrl = `${ctx.repo.baseUrl}/cgi/export/eprint/${r.eprintid}/DIDL/${ctx.repo.repoId}-eprint-${r.eprintid}.xml`;
  const modified = r.lastmod.replace(" ", "T").replace(/Z?$/, "Z");
  const dc = el("oai_dc:dc", [["xsi:schemaLocation", `${OAI_DC_NS} ${OAI_DC_SCHEMA}`]], indentedDc(dublinCore(r, ctx)), [
    ["oai_dc", OAI_DC_NS],
    ["dc", DC_NS],
  ]);
  const item = el("didl:Item", [], [
    descriptor(textEl("dii:Identifier", uri)),
    descriptor(textEl("dcterms:modified", modified)),
    component([XML_MIME, ["ref", exportUrl]]),
    el("didl:Item", [], [descriptor(textEl("dip:ObjectType", "info:eu-repo/semantics/descriptiveMetadata")), component([XML_MIME], [dc])]),
    el("didl:Item", [], [
      descriptor(textEl("dip:ObjectType", "info:eu-repo/semantics/humanStartPage")),
      component([
        ["mimeType", "application/html"],
        ["ref", abstractPageUrl(r, ctx)],
      ]),
    ]),
  ]);
  const ns: [string, string][] = [
    ["didl", DIDL_NS],
    ["dii", DII_NS],
    ["dip", DIP_NS],
    ["dcterms", DCTERMS_NS],
  ];
  return el(
    "didl:DIDL",
    [
      ["DIDLDocumentId", uri],
      ["xsi:schemaLocation", SCHEMA_LOCATION],
    ],
    [item],
    inOai ? ns : [["xsi", XSI_NS], ...ns],
  );
}

export const didlFormat: ExportFormat = {
  id: "DIDL",
  label: "MPEG-21 DIDL",
  mediaType: "text/xml; charset=utf-8",
  extension: ".xml",
  visibility: "all",
  only: "single",
  oai: { prefix: "didl", schema: DIDL_SCHEMA, namespace: DIDL_NS },
  serialize: (record, ctx) => libxmlString(didl(record, ctx, false), { format: true }),
  oaiMetadata: (record, ctx) => libxmlString(didl(record, ctx, true)),
};
