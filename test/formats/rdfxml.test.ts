import { beforeAll, describe, expect, it } from "vitest";
import { rdfxmlFormat } from "../../src/formats/rdfxml.js";
import type { EPrint } from "../../src/records/schema.js";
import type { FormatContext } from "../../src/formats/types.js";
import { EXAMPLE_IDS, LIST_EXAMPLE_IDS, exampleContext, exampleRecords, fixture } from "../support/examples.js";
import { constructed } from "../support/constructed.js";
import { oaiPayload } from "../support/oai-payload.js";
import { inOaiEnvelope, xmllintErrors } from "../support/xmllint.js";
import { rapperTriples, withCreatorIds } from "../support/rapper.js";

let records: Map<number, EPrint>;
let ctx: FormatContext;
let eprintsCtx: FormatContext;
beforeAll(async () => {
  records = await exampleRecords();
  ctx = await exampleContext();
  eprintsCtx = withCreatorIds(ctx);
});

const list = (r: EPrint, c: FormatContext) => rdfxmlFormat.list!.head(c) + rdfxmlFormat.list!.item(r, c, 0) + rdfxmlFormat.list!.tail(c, 1);

describe("RDF+XML export", () => {
  it("declares EPrints' plugin identity and OAI metadata format", () => {
    expect(rdfxmlFormat).toMatchObject({ id: "RDFXML", label: "RDF+XML", mediaType: "application/rdf+xml", extension: ".rdf", qs: 0.85 });
    expect(rdfxmlFormat.oai).toEqual({
      prefix: "rdf",
      schema: "http://www.openarchives.org/OAI/2.0/rdf.xsd",
      namespace: "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    });
  });

  // Deterministic once the prefix order is fixed (Vellum uses the examples' order).
  it.each(EXAMPLE_IDS)("record %i equals EPrints' single export byte for byte", (id) => {
    expect(rdfxmlFormat.serialize(records.get(id)!, eprintsCtx)).toBe(fixture(`RDFXML/single/${id}.rdf`));
  });

  it.each(LIST_EXAMPLE_IDS)("record %i as a one-record list equals EPrints' list export", (id) => {
    expect(list(records.get(id)!, eprintsCtx)).toBe(fixture(`RDFXML/list/${id}.rdf`));
  });

  it.each(EXAMPLE_IDS)("record %i is well-formed and says what EPrints' N-Triples say", (id) => {
    const xml = rdfxmlFormat.serialize(records.get(id)!, ctx);
    expect(xmllintErrors(xml)).toBe("");
    const eprints = rdfxmlFormat.serialize(records.get(id)!, eprintsCtx);
    expect(rapperTriples(eprints, "rdfxml")).toEqual(rapperTriples(fixture(`RDFNT/single/${id}.nt`), "turtle"));
  });

  it("the OAI rdf payload equals EPrints' GetRecord metadata byte for byte", () => {
    const payload = rdfxmlFormat.oaiMetadata!(records.get(112479)!, eprintsCtx);
    expect(payload).toBe(oaiPayload("112479-rdf.xml"));
    expect(xmllintErrors(inOaiEnvelope(payload))).toBe("");
    expect(rapperTriples(payload, "rdfxml")).toEqual(rapperTriples(fixture("RDFXML/single/112479.rdf"), "rdfxml"));
  });

  it("keeps creator ids out unless asked", () => {
    const xml = rdfxmlFormat.serialize(records.get(101)!, ctx);
    expect(xml).not.toContain("l.kowalski@example.ac.uk");
    expect(rdfxmlFormat.oaiMetadata!(records.get(101)!, ctx)).not.toContain("l.kowalski@example.ac.uk");
  });

  it("writes a full-URI predicate with a local nsx namespace, and closes literals properly", () => {
    const r = constructed({
      type: "article",
      title: "T",
      contributors: [{ type: "http://www.loc.gov/loc.terms/relators/AUT", name: { family: "Writer", given: "W" } }],
    });
    const xml = rdfxmlFormat.serialize(r, ctx);
    expect(xml).toMatch(/<nsx:AUT xmlns:nsx='http:\/\/www\.loc\.gov\/loc\.terms\/relators\/' rdf:resource="&epid;person\/ext-[0-9a-f]{32}" \/>/);
    expect(rdfxmlFormat.oaiMetadata!(r, ctx)).toMatch(/<nsx:AUT xmlns:nsx="http:\/\/www\.loc\.gov\/loc\.terms\/relators\/" rdf:resource="https:\/\/kar\.kent\.ac\.uk\/id\/person\/ext-[0-9a-f]{32}"\/>/);
    expect(xmllintErrors(xml)).toBe("");
  });

  it("escapes odd characters so the document parses to the same triples as the other serialisations", () => {
    const r = constructed({
      type: "book",
      title: 'Quotes " and \'apostrophes\', <angle> & amp;\ttab\r\nnewline \u0001 control',
      abstract: "]]> not a CDATA end",
      creators: [{ name: { family: "Ö'Brien", given: "Ana" }, id: "x&y@example.org" }],
      editors: [{ name: { family: "E" } }],
    });
    for (const c of [ctx, withCreatorIds(ctx)]) {
      const xml = rdfxmlFormat.serialize(r, c);
      expect(xmllintErrors(xml)).toBe("");
      expect(xmllintErrors(inOaiEnvelope(rdfxmlFormat.oaiMetadata!(r, c)))).toBe("");
      const triples = rapperTriples(xml, "rdfxml");
      expect(rapperTriples(rdfxmlFormat.oaiMetadata!(r, c), "rdfxml")).toEqual(triples);
      expect(triples.join("\n")).toContain('"Quotes \\" and \'apostrophes\', <angle> & amp;\\ttab\\r\\nnewline \\uFFFD control"'); // rapper writes non-ASCII as \\u escapes
    }
    expect(rdfxmlFormat.serialize(r, withCreatorIds(ctx))).toContain('rdf:about="&epid;person/ext-x&amp;y@example.org"');
  });

  it("an empty literal is an empty element in the OAI payload", () => {
    const payload = rdfxmlFormat.oaiMetadata!(records.get(108)!, ctx);
    expect(payload).toContain('<foaf:givenName rdf:datatype="http://www.w3.org/2001/XMLSchema#string"/>');
    expect(rdfxmlFormat.serialize(records.get(108)!, ctx)).toContain('<foaf:givenName rdf:datatype="&xsd;string"></foaf:givenName>');
  });
});
