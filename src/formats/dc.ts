/**
 * Dublin Core as plain text (EPrints::Plugin::Export::DC): one `element: value` line per pair
 * of the DC mapping, CR and LF inside a value each turned into a space, then a blank line.
 */
import type { ExportFormat } from "./types.js";
import { dublinCore } from "./dublin-core.js";

export const dcFormat: ExportFormat = {
  id: "DC",
  label: "Dublin Core",
  mediaType: "text/plain; charset=utf-8",
  extension: ".txt",
  visibility: "all",
  signposting: true,
  serialize: (record, ctx) =>
    dublinCore(record, ctx)
      .map(([element, value]) => `${element}: ${value.replace(/[\r\n]/g, " ")}\n`)
      .join("") + "\n",
};
