/**
 * Object IDs (Export::Ids): the ids of a list, one per line. EPrints offers it for lists
 * only; it joins the ids with newlines and adds one more, so an empty list is a single
 * "\n". The item/tail split below gives the same bytes while streaming.
 *
 * `serialize` is the one-record list, because ExportFormat requires it; routes that honour
 * EPrints' `accept => list/*` should not offer this format for a single record.
 */
import type { ExportFormat } from "./types.js";

export const idsFormat: ExportFormat = {
  id: "Ids",
  label: "Object IDs",
  mediaType: "text/plain; charset=utf-8",
  extension: ".txt",
  visibility: "all",
  only: "list",
  serialize: (record) => `${record.eprintid}\n`,
  list: {
    head: () => "",
    item: (record) => `${record.eprintid}\n`,
    tail: (_ctx, count) => (count === 0 ? "\n" : ""),
  },
};
