import { beforeAll, describe, expect, it } from "vitest";
import { oaiUketdDcFormat } from "../../src/formats/oai_uketd_dc.js";
import type { EPrint } from "../../src/records/schema.js";
import type { FormatContext } from "../../src/formats/types.js";
import { EXAMPLE_IDS, exampleContext, exampleRecords, fixture } from "../support/examples.js";
import { constructed } from "../support/constructed.js";
import { inOaiEnvelope, xmllintErrors } from "../support/xmllint.js";
import { oaiPayload } from "../support/oai-payload.js";

let records: Map<number, EPrint>;
let ctx: FormatContext;
beforeAll(async () => {
  records = await exampleRecords();
  ctx = await exampleContext();
});

const thesis = () =>
  constructed({
    eprintid: 4242,
    type: "thesis",
    title: "On <things> & stuff",
    creators: [{ name: { family: "Student", given: "Sam" }, id: "s@example.ac.uk" }],
    contributors: [
      { type: "http://www.loc.gov/loc.terms/relators/THS", name: { family: "Supervisor", given: "Sue" } },
      { type: "http://www.loc.gov/loc.terms/relators/CTB", name: { family: "Helper", given: "Hal" } },
    ],
    editors: [{ name: { family: "Ed", given: "Edna" } }],
    subjects: ["HN", "QA76"],
    abstract: "Abstract.",
    date: "2020-09-15",
    publisher: "Self",
    id_number: "doi:10.1000/a&b",
    official_url: "https://example.org/thesis",
    thesis_name: "phd",
    thesis_type: "doctoral",
    institution: "University of Kent",
    department: "School of Computing",
    funders: ["EPSRC", "Leverhulme Trust"],
    referencetext: "Ref one.\n\nRef two.",
  });

const NS_STANDALONE =
  'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:uketd_dc="http://naca.central.cranfield.ac.uk/ethos-oai/2.0/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:uketdterms="http://naca.central.cranfield.ac.uk/ethos-oai/terms/"';

describe("OAI_UKETD_DC (uketd_dc)", () => {
  it.each(EXAMPLE_IDS)("record %i equals EPrints' single export byte for byte", (id) => {
    expect(oaiUketdDcFormat.serialize(records.get(id)!, ctx)).toBe(fixture(`OAI_UKETD_DC/single/${id}.xml`));
  });

  it("the OAI payload of 112479 equals EPrints' GetRecord metadata", () => {
    expect(oaiUketdDcFormat.oaiMetadata!(records.get(112479)!, ctx)).toBe(oaiPayload("112479-uketd_dc.xml"));
  });

  it("declares the OAI format as EPrints does", () => {
    expect(oaiUketdDcFormat.oai).toEqual({
      prefix: "uketd_dc",
      schema: "http://naca.central.cranfield.ac.uk/ethos-oai/2.0/uketd_dc.xsd",
      namespace: "http://naca.central.cranfield.ac.uk/ethos-oai/2.0/",
    });
  });

  it("describes a thesis element by element, in EPrints' order", () => {
    expect(oaiUketdDcFormat.serialize(thesis(), ctx)).toBe(
      `<uketd_dc:uketddc xsi:schemaLocation="http://naca.central.cranfield.ac.uk/ethos-oai/2.0/ http://naca.central.cranfield.ac.uk/ethos-oai/2.0/uketd_dc.xsd" ${NS_STANDALONE}>` +
        [
          "<dc:title>On &lt;things&gt; &amp; stuff</dc:title>",
          "<dc:date>2020-09-15</dc:date>",
          "<dc:creator>Student, Sam</dc:creator>",
          "<dc:subject>HN Social history and conditions. Social problems. Social reform</dc:subject>",
          "<dc:subject>QA76 Computer software</dc:subject>",
          "<dcterms:abstract>Abstract.</dcterms:abstract>",
          "<uketdterms:commercial>Self</uketdterms:commercial>",
          "<dc:contributor>Ed, Edna</dc:contributor>",
          "<dcterms:issued>2020-09</dcterms:issued>",
          "<dc:type>Thesis</dc:type>",
          "<dcterms:isReferencedBy>https://kar.kent.ac.uk/id/eprint/4242/</dcterms:isReferencedBy>",
          '<dc:identifier xsi:type="dcterms:DOI">10.1000/a&amp;amp;b</dc:identifier>',
          '<dcterms:isReferencedBy xsi:type="dcterms:URI">https://example.org/thesis</dcterms:isReferencedBy>',
          "<uketdterms:qualificationname>phd</uketdterms:qualificationname>",
          "<uketdterms:qualificationlevel>doctoral</uketdterms:qualificationlevel>",
          "<uketdterms:institution>University of Kent</uketdterms:institution>",
          "<uketdterms:department>School of Computing</uketdterms:department>",
          "<uketdterms:advisor>Supervisor, Sue</uketdterms:advisor>",
          "<uketdterms:sponsor>EPSRC</uketdterms:sponsor>",
          "<uketdterms:sponsor>Leverhulme Trust</uketdterms:sponsor>",
          "<dcterms:references>Ref one.\n\nRef two.</dcterms:references>",
        ]
          .map((e) => `\n        ${e}`)
          .join("") +
        "</uketd_dc:uketddc>",
    );
  });

  it("a bare thesis still has an empty title and abstract, and no DOI for a non-DOI id_number", () => {
    const out = oaiUketdDcFormat.oaiMetadata!(constructed({ type: "thesis", id_number: "ISBN 12345", date: "1999" }), ctx);
    expect(out).toBe(
      '<uketd_dc:uketddc xmlns:uketd_dc="http://naca.central.cranfield.ac.uk/ethos-oai/2.0/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:uketdterms="http://naca.central.cranfield.ac.uk/ethos-oai/terms/" xsi:schemaLocation="http://naca.central.cranfield.ac.uk/ethos-oai/2.0/ http://naca.central.cranfield.ac.uk/ethos-oai/2.0/uketd_dc.xsd">' +
        "\n        <dc:title></dc:title>\n        <dc:date>1999</dc:date>\n        <dcterms:abstract></dcterms:abstract>" +
        "\n        <dcterms:issued>1999</dcterms:issued>\n        <dc:type>Thesis</dc:type>" +
        "\n        <dcterms:isReferencedBy>https://kar.kent.ac.uk/id/eprint/9001/</dcterms:isReferencedBy></uketd_dc:uketddc>",
    );
  });

  it("is well-formed XML for the examples and a thesis, single and in OAI (xmllint)", () => {
    for (const r of [...records.values(), thesis()]) {
      expect(xmllintErrors(oaiUketdDcFormat.serialize(r, ctx))).toBe("");
      expect(xmllintErrors(inOaiEnvelope(oaiUketdDcFormat.oaiMetadata!(r, ctx)))).toBe("");
    }
  });
});
