/**
 * oai_dc (EPrints::Plugin::Export::OAI_DC): the DC mapping as the OAI-PMH `oai_dc:dc`
 * element. A hidden format: EPrints offers it to OAI harvesters only.
 *
 * EPrints writes each `dc:` child after a newline and eight spaces and closes the element
 * straight after the last child. The element differs by path only in its opening tag: inside
 * an OAI-PMH response `xmlns:xsi` is declared by the envelope, while the export declares it
 * itself, after the schema location (EPrints' own serialiser lists attributes first).
 *
 * Divergence, documented: the OAI path's replacement of forbidden and discouraged code
 * points with U+FFFD (0x1A-0x1F survive EPrints' remove_invalid_chars, and C1 controls) is
 * applied to the export too. EPrints' export sends them raw, and 0x1A-0x1F make the document
 * unparseable.
 */
import type { EPrint } from "../records/schema.js";
import type { ExportFormat, FormatContext } from "./types.js";
import { dublinCore } from "./dublin-core.js";
import { cleanText } from "./libxml.js";

export const OAI_DC_NS = "http://www.openarchives.org/OAI/2.0/oai_dc/";
export const OAI_DC_SCHEMA = "http://www.openarchives.org/OAI/2.0/oai_dc.xsd";
export const DC_NS = "http://purl.org/dc/elements/1.1/";
const XSI_NS = "http://www.w3.org/2001/XMLSchema-instance";
const SCHEMA_LOCATION = `xsi:schemaLocation="${OAI_DC_NS} ${OAI_DC_SCHEMA}"`;

function children(record: EPrint, ctx: FormatContext): string {
  let out = "";
  for (const [element, value] of dublinCore(record, ctx)) out += `\n        <dc:${element}>${cleanText(value)}</dc:${element}>`;
  return out;
}

export const oaiDcFormat: ExportFormat = {
  id: "OAI_DC",
  label: "Dublin Core - OAI Schema",
  mediaType: "text/xml",
  extension: ".xml",
  visibility: "hidden",
  only: "single",
  oai: { prefix: "oai_dc", schema: OAI_DC_SCHEMA, namespace: OAI_DC_NS },
  serialize: (record, ctx) =>
    `<oai_dc:dc ${SCHEMA_LOCATION} xmlns:oai_dc="${OAI_DC_NS}" xmlns:dc="${DC_NS}" xmlns:xsi="${XSI_NS}">` +
    `${children(record, ctx)}</oai_dc:dc>`,
  oaiMetadata: (record, ctx) =>
    `<oai_dc:dc xmlns:oai_dc="${OAI_DC_NS}" xmlns:dc="${DC_NS}" ${SCHEMA_LOCATION}>${children(record, ctx)}</oai_dc:dc>`,
};
