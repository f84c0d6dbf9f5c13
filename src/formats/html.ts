/**
 * HTML Citation (EPrints::Plugin::Export::HTML): the default citation in a
 * `<p class="citation">`, its title linked to the abstract page. No trailing newline; a list
 * is the paragraphs one after another.
 */
import type { ExportFormat } from "./types.js";
import { citationHtml } from "./citation.js";

export const htmlFormat: ExportFormat = {
  id: "HTML",
  label: "HTML Citation",
  mediaType: "text/html; charset=utf-8",
  extension: ".html",
  visibility: "all",
  serialize: (record, ctx) => citationHtml(record, ctx),
};
