/**
 * RDF+N-Triples (EPrints::Plugin::Export::RDFNT): one line per triple, every term written
 * out in full, in the order the graph was built (rdf-graph.ts), duplicates kept.
 *
 * Divergence, documented: EPrints' streaming list export (the web's search and bulk
 * exports) flushes its buffer only after a literal, so the resource triples after a
 * record's last literal (typically its last dct:subject, or the abstract page's
 * foaf:primaryTopic) are lost. Vellum writes every triple.
 */
import type { ExportFormat, FormatContext } from "./types.js";
import { boilerplateTriples, eprintTriples, escapeLiteral, rdfNamespaces, singleRecordGraph, type Triple } from "./rdf-graph.js";

function term(t: string, ns: ReadonlyMap<string, string>): string {
  if (t.startsWith("<")) return t;
  const colon = t.indexOf(":");
  return `<${ns.get(t.slice(0, colon))}${t.slice(colon + 1)}>`;
}

export function nTriples(triples: readonly Triple[], ctx: FormatContext): string {
  const ns = new Map(rdfNamespaces(ctx));
  return triples
    .map((t) => {
      let object: string;
      if (t.type === undefined) object = term(t.object, ns);
      else {
        object = `"${escapeLiteral(t.object)}"`;
        if (t.lang !== undefined) object += `@${t.lang}`;
        if (t.type !== "literal") object += `^^${term(t.type, ns)}`;
      }
      return `${term(t.subject, ns)} ${term(t.predicate, ns)} ${object} .\n`;
    })
    .join("");
}

export const rdfntFormat: ExportFormat = {
  id: "RDFNT",
  label: "RDF+N-Triples",
  mediaType: "text/plain",
  extension: ".nt",
  aliases: ["application/n-triples"],
  visibility: "all",
  serialize: (record, ctx) => nTriples(singleRecordGraph(record, ctx), ctx),
  list: {
    head: (ctx) => nTriples(boilerplateTriples(), ctx),
    item: (record, ctx) => nTriples(eprintTriples(record, ctx), ctx),
    tail: () => "",
  },
};
