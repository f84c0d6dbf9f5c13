/**
 * ASCII Citation (EPrints::Plugin::Export::Text): the default citation as plain text, then a
 * blank line. A list is the records one after another. EPrints' command-line exporter adds a
 * byte-order mark; over the web it sends none, and neither does Vellum.
 */
import type { ExportFormat } from "./types.js";
import { citationText } from "./citation.js";

export const textFormat: ExportFormat = {
  id: "Text",
  label: "ASCII Citation",
  mediaType: "text/plain; charset=utf-8",
  extension: ".txt",
  visibility: "all",
  serialize: (record) => `${citationText(record)}\n\n`,
};
