/**
 * RDF+N3 (EPrints::Plugin::Export::RDFN3): the prefix block, then one block per subject in
 * EPrints' sensible order, predicates `;`-separated and objects `,`-separated. What EPrints
 * writes is also valid Turtle. A prefixed name stays abbreviated unless its local part
 * holds `/` or `#`, which Turtle's short form cannot carry; then it is written in full.
 * Deterministic except the prefix order (rdf-graph.ts), so it matches EPrints byte for byte.
 */
import type { ExportFormat, FormatContext } from "./types.js";
import { boilerplateTriples, describe, eprintTriples, escapeLiteral, rdfNamespaces, singleRecordGraph, type Triple } from "./rdf-graph.js";

function term(t: string, ns: ReadonlyMap<string, string>): string {
  if (t.startsWith("<")) return t;
  const colon = t.indexOf(":");
  const local = t.slice(colon + 1);
  return /[/#]/.test(local) ? `<${ns.get(t.slice(0, colon))}${local}>` : t;
}

function prefixes(ctx: FormatContext): string {
  return rdfNamespaces(ctx).map(([p, uri]) => `  @prefix ${p}: <${uri}> .\n`).join("") + "\n";
}

export function n3Blocks(triples: readonly Triple[], ctx: FormatContext): string {
  const ns = new Map(rdfNamespaces(ctx));
  const object = (t: Triple) => {
    if (t.type === undefined) return term(t.object, ns);
    let s = `"${escapeLiteral(t.object)}"`;
    if (t.lang !== undefined) s += `@${t.lang}`;
    if (t.type !== "literal") s += `^^${term(t.type, ns)}`;
    return s;
  };
  return describe(triples)
    .map(({ subject, properties }) => {
      const preds = properties.map(({ predicate, objects }) => `\t${term(predicate, ns)} ${objects.map(object).join(",\n\t\t")}`);
      return `${term(subject, ns)}\n${preds.join(";\n")} .\n\n`;
    })
    .join("");
}

export const rdfn3Format: ExportFormat = {
  id: "RDFN3",
  label: "RDF+N3",
  mediaType: "text/n3",
  extension: ".n3",
  aliases: ["text/rdf+n3", "text/turtle"],
  qs: 0.84,
  visibility: "all",
  serialize: (record, ctx) => prefixes(ctx) + n3Blocks(singleRecordGraph(record, ctx), ctx),
  list: {
    head: (ctx) => prefixes(ctx) + n3Blocks(boilerplateTriples(), ctx),
    item: (record, ctx) => n3Blocks(eprintTriples(record, ctx), ctx),
    tail: () => "",
  },
};
