import { beforeAll, describe, expect, it } from "vitest";
import { rdfn3Format } from "../../src/formats/rdfn3.js";
import { rdfntFormat } from "../../src/formats/rdfnt.js";
import { rdfxmlFormat } from "../../src/formats/rdfxml.js";
import type { EPrint } from "../../src/records/schema.js";
import type { FormatContext } from "../../src/formats/types.js";
import { EXAMPLE_IDS, LIST_EXAMPLE_IDS, exampleContext, exampleRecords, fixture } from "../support/examples.js";
import { constructed } from "../support/constructed.js";
import { rapperTriples, withCreatorIds } from "../support/rapper.js";

let records: Map<number, EPrint>;
let ctx: FormatContext;
let eprintsCtx: FormatContext;
beforeAll(async () => {
  records = await exampleRecords();
  ctx = await exampleContext();
  eprintsCtx = withCreatorIds(ctx);
});

const list = (r: EPrint, c: FormatContext) => rdfn3Format.list!.head(c) + rdfn3Format.list!.item(r, c, 0) + rdfn3Format.list!.tail(c, 1);

describe("RDF+N3 export", () => {
  it("declares EPrints' plugin identity", () => {
    expect(rdfn3Format).toMatchObject({ id: "RDFN3", label: "RDF+N3", mediaType: "text/n3", extension: ".n3", qs: 0.84 });
  });

  // Deterministic once the prefix order is fixed (Vellum uses the examples' order).
  it.each(EXAMPLE_IDS)("record %i equals EPrints' single export byte for byte", (id) => {
    expect(rdfn3Format.serialize(records.get(id)!, eprintsCtx)).toBe(fixture(`RDFN3/single/${id}.n3`));
  });

  it.each(LIST_EXAMPLE_IDS)("record %i as a one-record list equals EPrints' list export", (id) => {
    expect(list(records.get(id)!, eprintsCtx)).toBe(fixture(`RDFN3/list/${id}.n3`));
  });

  it.each(EXAMPLE_IDS)("record %i is valid Turtle and says what EPrints' RDF+XML says", (id) => {
    expect(rapperTriples(rdfn3Format.serialize(records.get(id)!, eprintsCtx), "turtle")).toEqual(
      rapperTriples(fixture(`RDFXML/single/${id}.rdf`), "rdfxml"),
    );
    expect(() => rapperTriples(rdfn3Format.serialize(records.get(id)!, ctx), "turtle")).not.toThrow();
  });

  it("keeps creator ids out unless asked", () => {
    expect(rdfn3Format.serialize(records.get(101)!, ctx)).not.toContain("l.kowalski@example.ac.uk");
  });

  it("abbreviates prefixed names only when Turtle's short form can carry them", () => {
    const n3 = rdfn3Format.serialize(records.get(104)!, eprintsCtx);
    expect(n3).toContain("\trdf:type bibo:AcademicArticle,\n\t\tbibo:Article,");
    expect(n3).toContain("\towl:sameAs <https://doi.org/10.1007/978-3-031-16802-4_9>;");
    expect(n3).toContain("\tbibo:presentedAt <https://kar.kent.ac.uk/id/event/ext-");
  });

  it("a record of every kind of triple reads the same in all three serialisations", () => {
    const r = constructed({
      type: "thesis",
      title: 'Odd "title" with \\ backslash,\ttab and\r\nlines',
      abstract: "Two\n\nparagraphs",
      institution: "Univ",
      department: "Dept",
      publisher: "Pub & Co",
      isbn: "9780198526636",
      publication: "Series <1>",
      issn: "2049-3630",
      volume: "7",
      number: "3",
      id_number: "doi:10.1000/xyz",
      event_title: "Ev",
      event_location: "Here",
      refereed: true,
      ispublished: "pub",
      subjects: ["QA76", "HV"],
      creators: [{ name: { family: "A", given: "B", lineage: "Jr" }, id: "b.a@example.org" }],
      editors: [{ name: { family: "A", given: "B" }, id: "b.a@example.org" }],
      contributors: [{ type: "http://www.loc.gov/loc.terms/relators/THS", name: { given: "Only" } }],
      corp_creators: ["Corp"],
      relation: [{ type: "http://eprints.org/ontology/hasVersion", uri: "https://example.org/v2" }],
    });
    for (const c of [ctx, withCreatorIds(ctx)]) {
      const n3 = rapperTriples(rdfn3Format.serialize(r, c), "turtle");
      expect(rapperTriples(rdfxmlFormat.serialize(r, c), "rdfxml")).toEqual(n3);
      expect(rapperTriples(rdfntFormat.serialize(r, c), "turtle")).toEqual(n3);
      expect(n3.length).toBeGreaterThan(50);
    }
    // The same person as creator and editor is described once, under one URI.
    const n3 = rdfn3Format.serialize(r, withCreatorIds(ctx));
    expect(n3.match(/^<https:\/\/kar\.kent\.ac\.uk\/id\/person\/ext-b\.a@example\.org>$/gm)).toHaveLength(1);
  });
});
