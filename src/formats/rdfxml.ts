/**
 * RDF+XML (EPrints::Plugin::Export::RDFXML), also the OAI-PMH `rdf` metadata format.
 *
 * EPrints writes this by hand: a DOCTYPE declaring one entity per namespace, then one
 * rdf:Description per subject in its sensible order (rdf-graph.ts), abbreviating prefixed
 * names in attributes as `&prefix;local`. A predicate that is not a simple `prefix:name`
 * gets a local namespace `nsx`. Deterministic except the prefix order, so it matches
 * EPrints byte for byte.
 *
 * The OAI payload is what EPrints' OAI provider makes of the same text: parsed and written
 * again by libxml2, so entities are expanded, empty elements become `<x/>` and attributes
 * are escaped libxml2's way, with `rdf` declared first and `xsi` last.
 *
 * Divergences, documented: characters XML 1.0 forbids or discourages become U+FFFD
 * (EPrints writes them and the document is not well-formed); a carriage return is written
 * `&#13;` (EPrints writes it raw, and XML parsers drop it); a literal with a full-URI
 * predicate closes with `</nsx:name>` (EPrints closes it with the URI, which is not XML).
 */
import type { ExportFormat, FormatContext } from "./types.js";
import { replaceInvalidXmlChars } from "./libxml.js";
import { XSI_NS, escapeText } from "./xml-tree.js";
import { boilerplateTriples, describe, eprintTriples, rdfNamespaces, singleRecordGraph, type Triple } from "./rdf-graph.js";

const RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
const ESC: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\r": "&#13;" };
/** RDFXML.pm's escaping, used in text and attributes alike, plus CR, which a parser would otherwise drop. */
const esc = (s: string) => replaceInvalidXmlChars(s).replace(/[&<>"\r]/g, (c) => ESC[c]!);
const LIBXML_ATTR: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\n": "&#10;", "\r": "&#13;", "\t": "&#9;" };
/** An attribute value as libxml2 writes it. */
const libxmlAttr = (s: string) => replaceInvalidXmlChars(s).replace(/[&<>"\n\r\t]/g, (c) => LIBXML_ATTR[c]!);

type Mode = "export" | "oai";

/** A term as an attribute value: `&prefix;local` in the export, the expanded URI in OAI. */
function attr(t: string, ns: ReadonlyMap<string, string>, mode: Mode): string {
  if (t.startsWith("<")) return mode === "export" ? esc(t.slice(1, -1)) : libxmlAttr(t.slice(1, -1));
  const colon = t.indexOf(":");
  const prefix = t.slice(0, colon);
  const local = t.slice(colon + 1);
  return mode === "export" ? `&${prefix};${esc(local)}` : libxmlAttr(ns.get(prefix) + local);
}

/** The element name for a predicate, and the local namespace declaration it needs, if any. */
function predicateElement(p: string, ns: ReadonlyMap<string, string>, mode: Mode): { name: string; decl: string } | null {
  if (/^[a-z0-9_-]+:[a-z0-9_-]+$/i.test(p) && !p.startsWith("<")) return { name: p, decl: "" };
  const colon = p.indexOf(":");
  const uri = p.startsWith("<") ? p.slice(1, -1) : ns.get(p.slice(0, colon)) + p.slice(colon + 1);
  const m = /^(.*[^a-z0-9_-])([a-z0-9_-]+)$/i.exec(uri);
  if (!m) return null; // EPrints warns and skips a predicate that ends in no name
  const decl = mode === "export" ? ` xmlns:nsx='${m[1]}'` : ` xmlns:nsx="${libxmlAttr(m[1]!)}"`;
  return { name: `nsx:${m[2]}`, decl };
}

export function rdfDescriptions(triples: readonly Triple[], ctx: FormatContext, mode: Mode = "export"): string {
  const ns = new Map(rdfNamespaces(ctx));
  const text = mode === "export" ? esc : escapeText;
  const close = mode === "export" ? " />" : "/>";
  const out: string[] = [];
  for (const { subject, properties } of describe(triples)) {
    out.push(`  <rdf:Description rdf:about="${attr(subject, ns, mode)}">\n`);
    for (const { predicate, objects } of properties) {
      const el = predicateElement(predicate, ns, mode);
      if (!el) continue;
      for (const o of objects) {
        let line = `    <${el.name}${el.decl}`;
        if (o.type === undefined) line += ` rdf:resource="${attr(o.object, ns, mode)}"${close}`;
        else {
          if (o.type !== "literal") line += ` rdf:datatype="${attr(o.type, ns, mode)}"`;
          if (o.lang !== undefined) line += ` xml:lang="${mode === "export" ? esc(o.lang) : libxmlAttr(o.lang)}"`;
          line += mode === "oai" && o.object === "" ? "/>" : `>${text(o.object)}</${el.name}>`;
        }
        out.push(`${line}\n`);
      }
    }
    out.push("  </rdf:Description>\n");
  }
  return out.join("");
}

function header(ctx: FormatContext): string {
  const ns = rdfNamespaces(ctx);
  return (
    "<?xml version='1.0' encoding='UTF-8'?>\n<!DOCTYPE rdf:RDF [\n" +
    ns.map(([p, uri]) => `\t<!ENTITY ${p} '${uri}'>\n`).join("") +
    "]>\n<rdf:RDF" +
    ns.map(([p]) => ` xmlns:${p}='&${p};'`).join("") +
    ">\n\n\n"
  );
}

const FOOTER = "\n\n</rdf:RDF>\n";

/** The `<rdf:RDF>` element of an OAI-PMH GetRecord/ListRecords `<metadata>`. */
export function rdfOaiMetadata(triples: readonly Triple[], ctx: FormatContext): string {
  const decls = rdfNamespaces(ctx).filter(([p]) => p !== "rdf");
  return (
    `<rdf:RDF xmlns:rdf="${RDF_NS}"` +
    decls.map(([p, uri]) => ` xmlns:${p}="${libxmlAttr(uri)}"`).join("") +
    ` xmlns:xsi="${XSI_NS}">\n\n\n` +
    rdfDescriptions(triples, ctx, "oai") +
    "\n\n</rdf:RDF>"
  );
}

export const rdfxmlFormat: ExportFormat = {
  id: "RDFXML",
  label: "RDF+XML",
  mediaType: "application/rdf+xml",
  extension: ".rdf",
  qs: 0.85,
  visibility: "all",
  oai: { prefix: "rdf", schema: "http://www.openarchives.org/OAI/2.0/rdf.xsd", namespace: RDF_NS },
  serialize: (record, ctx) => header(ctx) + rdfDescriptions(singleRecordGraph(record, ctx), ctx) + FOOTER,
  list: {
    head: (ctx) => header(ctx) + rdfDescriptions(boilerplateTriples(), ctx),
    item: (record, ctx) => rdfDescriptions(eprintTriples(record, ctx), ctx),
    tail: () => FOOTER,
  },
  oaiMetadata: (record, ctx) => rdfOaiMetadata(singleRecordGraph(record, ctx), ctx),
};
