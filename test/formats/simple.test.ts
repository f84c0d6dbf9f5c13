import { beforeAll, describe, expect, it } from "vitest";
import { simpleFormat } from "../../src/formats/simple.js";
import { citationText } from "../../src/formats/citation.js";
import { EPrintSchema, type EPrint } from "../../src/records/schema.js";
import type { FormatContext } from "../../src/formats/types.js";
import { EXAMPLE_IDS, exampleContext, exampleRecords, fixture } from "../support/examples.js";

let records: Map<number, EPrint>;
let ctx: FormatContext;
beforeAll(async () => {
  records = await exampleRecords();
  ctx = await exampleContext();
});

describe("Simple Metadata export", () => {
  it("declares EPrints' plugin id, name, media type and suffix", () => {
    expect(simpleFormat).toMatchObject({ id: "Simple", label: "Simple Metadata", mediaType: "text/plain; charset=utf-8", extension: ".txt", visibility: "all" });
  });
  // EPrints' Simple plugin accepts single records only, so there are no list examples.
  it.each(EXAMPLE_IDS)("record %i equals EPrints' single export byte for byte", (id) => {
    expect(simpleFormat.serialize(records.get(id)!, ctx)).toBe(fixture(`Simple/single/${id}.txt`));
  });

  const r = EPrintSchema.parse({
    eprintid: 40, rev_number: 1, eprint_status: "inbox", dir: "disk0/00/00/00/40", lastmod: "2024-01-01 00:00:00", type: "article",
    relation: [{ type: "http://purl.org/dc/terms/isPartOf", uri: "https://example.org/1" }, { uri: "https://example.org/2" }],
    creators: [{ name: { given: "Cher" }, id: "cher@example.org", orcid: "0000-0002-1825-0097" }, { name: { family: "0", given: "Zero" } }],
    contributors: [{ type: "http://www.loc.gov/loc.terms/relators/EDT", name: { family: "Ed", given: "It" } }],
    corp_creators: ["Org A", "Org B"], title: "T", pages: 0, refereed: false, gscholar: { impact: 3, cluster: "abc" },
  });

  it("writes compounds by sub-field, names as \"family, given\" with Perl's empty parts, values of 0 and FALSE", () => {
    expect(simpleFormat.serialize(r, ctx)).toBe(
      [
        "eprintid: 40",
        "rev_number: 1",
        "eprint_status: inbox",
        "dir: disk0/00/00/00/40",
        "lastmod: 2024-01-01 00:00:00",
        "type: article",
        "relation_type: http://purl.org/dc/terms/isPartOf",
        "relation_uri: https://example.org/1",
        "relation_uri: https://example.org/2",
        "creators_name: , Cher",
        "creators_name: , Zero",
        "contributors_type: http://www.loc.gov/loc.terms/relators/EDT",
        "contributors_name: Ed, It",
        "corp_creators: Org A",
        "corp_creators: Org B",
        "title: T",
        "pages: 0",
        "refereed: FALSE",
        "gscholar_impact: 3",
        "gscholar_cluster: abc",
        `citation: ${citationText(r)}`,
        "",
        "",
      ].join("\n"),
    );
  });
  it("never shows creator ids; shows ORCIDs only when the repository opts in", () => {
    expect(simpleFormat.serialize(r, ctx)).not.toMatch(/cher@example\.org|creators_id|orcid/);
    const withOrcid = simpleFormat.serialize(r, { ...ctx, options: { ...ctx.options, exportOrcid: true } });
    expect(withOrcid).toContain("creators_name: , Zero\ncreators_orcid: 0000-0002-1825-0097\ncontributors_type:");
  });
  it("keeps newlines inside values, as EPrints does", () => {
    expect(simpleFormat.serialize(records.get(102)!, ctx)).toContain("\nkeywords: global health\nsocial care\nsystematic analysis\n");
  });
});
