/**
 * Content negotiation for /id/eprint/N, over a fixed set of formats shaped like EPrints'
 * plugins (so the matrix does not depend on which modules are registered today).
 */
import { describe, expect, it } from "vitest";
import { candidatesOf, negotiate, parseAccept } from "../../src/http/negotiate.js";
import type { ExportFormat } from "../../src/formats/types.js";
import { formatById } from "../../src/formats/registry.js";

const fmt = (id: string, mediaType: string, extra: Partial<ExportFormat> = {}): ExportFormat => ({
  id,
  label: id,
  mediaType,
  extension: ".txt",
  visibility: "all",
  serialize: () => "",
  ...extra,
});

const FORMATS = [
  fmt("XML", "application/vnd.eprints.data+xml; charset=utf-8", { aliases: ["text/xml", "application/xml"], qs: 0.8 }),
  fmt("JSON", "application/json; charset=utf-8"),
  fmt("CSV", "text/csv; charset=utf-8"),
  fmt("BibTeX", "text/plain; charset=utf-8", { aliases: ["application/x-bibtex", "text/x-bibtex", "text/bibtex"] }),
  fmt("RIS", "text/plain", { aliases: ["application/x-research-info-systems"] }),
  fmt("DC", "text/plain; charset=utf-8"),
  fmt("MODS", "text/xml; charset=utf-8"),
  fmt("RDFXML", "application/rdf+xml", { qs: 0.85 }),
  fmt("RDFN3", "text/n3", { qs: 0.84, aliases: ["text/turtle"] }),
  fmt("HTML", "text/html; charset=utf-8"),
  fmt("OAI_DC", "text/xml", { visibility: "hidden" }),
];
const candidates = candidatesOf(FORMATS);
const pick = (accept: string | undefined) => {
  const n = negotiate(accept, candidates);
  return n.kind === "format" ? n.format.id : n.kind === "summary" ? "page" : "406";
};

describe("the registered formats", () => {
  it("declare the media types clients commonly use for them", () => {
    expect(formatById("BibTeX")!.aliases).toEqual(expect.arrayContaining(["application/x-bibtex", "text/x-bibtex", "text/bibtex"]));
    expect(formatById("RIS")!.aliases).toContain("application/x-research-info-systems");
    expect(formatById("RDFN3")!.aliases).toContain("text/turtle");
    expect(formatById("JSON")!.aliases).toContain("application/json");
  });
});

describe("negotiation on /id/eprint/N", () => {
  it.each([
    // no preference, or HTML: the abstract page (EPrints' SummaryPage, qs 0.9)
    [undefined, "page"],
    ["", "page"],
    ["*/*", "page"],
    ["text/html", "page"],
    ["application/xhtml+xml", "page"],
    ["text/*", "page"],
    ["text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "page"],
    // exact types and the aliases EPrints and clients use
    ["application/json", "JSON"],
    ["application/vnd.eprints.data+xml", "XML"],
    ["text/xml", "XML"], // XML's qs 0.8 beats MODS' 0.5 on the shared type
    ["application/xml", "XML"],
    ["text/csv", "CSV"],
    ["application/rdf+xml", "RDFXML"],
    ["text/n3", "RDFN3"],
    ["text/turtle", "RDFN3"],
    ["application/x-bibtex", "BibTeX"],
    ["text/bibtex", "BibTeX"],
    ["text/x-bibtex", "BibTeX"],
    ["application/x-research-info-systems", "RIS"],
    // several formats share text/plain: equal qs, so the plugin id decides, as in EPrints
    ["text/plain", "BibTeX"],
    // EPrints' own per-plugin types, any case
    ["application/x-eprints-export-ris", "RIS"],
    ["application/x-eprints-export-dc", "DC"],
    ["APPLICATION/X-EPRINTS-EXPORT-MODS", "MODS"],
    ["application/x-eprints-export-summarypage", "page"],
    // hidden formats only by their explicit type
    ["application/x-eprints-export-oai_dc", "OAI_DC"],
    // q-values decide
    ["application/json;q=0.5, text/csv", "CSV"],
    ["text/csv;q=0.2, application/json;q=0.9, text/html;q=0.1", "JSON"],
    ["application/json, */*;q=0.1", "JSON"],
    ["text/html;q=0.1, application/x-bibtex", "BibTeX"],
    // an explicit type beats a wildcard of the same q (axios sends this)
    ["application/json, text/plain, */*", "JSON"],
    // equal q and specificity: the higher qs wins, then the order the client gave
    ["text/csv, application/json", "CSV"],
    ["application/json, text/csv", "JSON"],
    ["application/json, application/rdf+xml", "RDFXML"],
    ["text/csv, application/vnd.eprints.data+xml", "XML"],
    // q=0 refuses a type even under a wildcard
    ["*/*, text/html;q=0, application/xhtml+xml;q=0, application/x-eprints-export-summarypage;q=0", "RDFXML"],
    ["application/*", "page"],
    ["application/*, application/xhtml+xml;q=0, application/x-eprints-export-summarypage;q=0", "RDFXML"],
    // a matching charset parameter counts, as in EPrints
    ["text/plain; charset=utf-8", "BibTeX"],
    // malformed ranges are ignored
    ["garbage, application/json", "JSON"],
    ["application/json;q=2", "page"],
    // nothing acceptable
    ["image/png", "406"],
    ["application/pdf, image/*", "406"],
    ["text/html;q=0", "406"],
    ["application/x-eprints-export-nosuchplugin", "406"],
  ])("Accept %j → %s", (accept, expected) => {
    expect(pick(accept as string | undefined)).toBe(expected);
  });

  it("lists what is available when nothing matches", () => {
    const n = negotiate("image/png", candidates);
    expect(n.kind).toBe("none");
    if (n.kind !== "none") return;
    expect(n.available).toEqual(expect.arrayContaining(["text/html", "application/json", "text/csv", "application/x-eprints-export-bibtex"]));
    // hidden formats are not advertised by their generic type
    expect(n.available.filter((t) => t === "text/xml")).toHaveLength(1);
  });

  it("parses q-values and parameters, quoted commas included", () => {
    expect(parseAccept('text/plain; charset="a,b"; q=0.3, text/csv')).toEqual([
      { type: "text", subtype: "plain", params: { charset: "a,b" }, q: 0.3, index: 0 },
      { type: "text", subtype: "csv", params: {}, q: 1, index: 1 },
    ]);
  });
});
