/**
 * The one list of formats. Every route that serves formats (negotiation on /id/eprint/N,
 * /cgi/export, bulk export, OAI-PMH metadata formats) reads it; adding a format is one
 * module and one line here.
 */
import type { ExportFormat } from "./types.js";
import { xmlFormat } from "./xml.js";
import { contextObjectFormat } from "./contextobject.js";
import { coinsFormat } from "./coins.js";
import { modsFormat } from "./mods.js";
import { metsFormat } from "./mets.js";
import { didlFormat } from "./didl.js";
import { oaiUketdDcFormat } from "./oai_uketd_dc.js";
import { oaiBibliographyFormat } from "./oai_bibliography.js";
import { highwirePressFormat } from "./highwirepress.js";
import { prismFormat } from "./prism.js";
import { rdfxmlFormat } from "./rdfxml.js";
import { rdfn3Format } from "./rdfn3.js";
import { rdfntFormat } from "./rdfnt.js";
import { atomFormat } from "./atom.js";
import { rss2Format } from "./rss2.js";
import { bibtexFormat } from "./bibtex.js";
import { textFormat } from "./text.js";
import { htmlFormat } from "./html.js";
import { dcFormat } from "./dc.js";
import { simpleFormat } from "./simple.js";
import { oaiDcFormat } from "./oai_dc.js";
import { jsonFormat } from "./json.js";
import { csvFormat } from "./csv.js";
import { risFormat } from "./ris.js";
import { endnoteFormat } from "./endnote.js";
import { referFormat } from "./refer.js";
import { refworksFormat } from "./refworks.js";
import { idsFormat } from "./ids.js";

export const FORMATS: readonly ExportFormat[] = [
  xmlFormat,
  jsonFormat,
  csvFormat,
  bibtexFormat,
  risFormat,
  endnoteFormat,
  referFormat,
  refworksFormat,
  idsFormat,
  textFormat,
  htmlFormat,
  dcFormat,
  simpleFormat,
  oaiDcFormat,
  rdfxmlFormat,
  rdfn3Format,
  rdfntFormat,
  atomFormat,
  rss2Format,
  contextObjectFormat,
  coinsFormat,
  modsFormat,
  metsFormat,
  didlFormat,
  oaiUketdDcFormat,
  oaiBibliographyFormat,
  highwirePressFormat,
  prismFormat,
];

const byId = new Map(FORMATS.map((f) => [f.id, f]));

export function formatById(id: string): ExportFormat | undefined {
  return byId.get(id);
}

export function oaiFormats(): ExportFormat[] {
  return FORMATS.filter((f) => f.oai).sort((a, b) => a.oai!.prefix.localeCompare(b.oai!.prefix));
}
