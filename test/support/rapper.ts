/**
 * Reads RDF with Raptor's `rapper`, a parser Vellum did not write, and gives the triples as
 * sorted, de-duplicated N-Triples lines, so two serialisations can be compared as sets.
 * Relative IRIs (EPrints' `<>`, "this document") resolve against BASE.
 */
import { execFileSync } from "node:child_process";
import type { FormatContext } from "../../src/formats/types.js";

export const BASE = "http://vellum.test/export";

export function rapperTriples(text: string, syntax: "rdfxml" | "turtle" | "ntriples"): string[] {
  const out = execFileSync("rapper", ["--quiet", "--input", syntax, "--output", "ntriples", "-", BASE], {
    input: text,
    stdio: ["pipe", "pipe", "pipe"],
    maxBuffer: 64 << 20,
  }).toString();
  return [...new Set(out.split("\n").filter((l) => l !== ""))].sort();
}

/** The context with EPrints' handling of creator ids, for byte-for-byte comparisons. */
export function withCreatorIds(ctx: FormatContext): FormatContext {
  return { ...ctx, options: { ...ctx.options, exportCreatorIds: true } as FormatContext["options"] };
}

/** The lines of an N-Triples document (each ends in " ."). */
export const ntLines = (nt: string) => nt.split("\n").filter((l) => l !== "");
