import { beforeAll, describe, expect, it } from "vitest";
import { oaiBibliographyFormat, references } from "../../src/formats/oai_bibliography.js";
import type { EPrint } from "../../src/records/schema.js";
import type { FormatContext } from "../../src/formats/types.js";
import { EXAMPLE_IDS, exampleContext, exampleRecords, fixture } from "../support/examples.js";
import { constructed } from "../support/constructed.js";
import { inOaiEnvelope, oaiDcSchemaErrors, xmllintErrors } from "../support/xmllint.js";
import { oaiPayload } from "../support/oai-payload.js";

let records: Map<number, EPrint>;
let ctx: FormatContext;
beforeAll(async () => {
  records = await exampleRecords();
  ctx = await exampleContext();
});

const withRefs = () =>
  constructed({
    type: "article",
    referencetext: "Smith, J. (2001) One & two.\nJournal <A>.\n\n  \nDoe, J. (2002) Three.\n\n\n",
  });

describe("OAI_Bibliography (oai_bibl)", () => {
  it.each(EXAMPLE_IDS)("record %i equals EPrints' single export byte for byte", (id) => {
    expect(oaiBibliographyFormat.serialize(records.get(id)!, ctx)).toBe(fixture(`OAI_Bibliography/single/${id}.xml`));
  });

  it("the OAI payload of 112479 equals EPrints' GetRecord metadata", () => {
    expect(oaiBibliographyFormat.oaiMetadata!(records.get(112479)!, ctx)).toBe(oaiPayload("112479-oai_bibl.xml"));
  });

  it("declares the OAI format as EPrints does", () => {
    expect(oaiBibliographyFormat.oai).toEqual({
      prefix: "oai_bibl",
      schema: "http://www.openarchives.org/OAI/2.0/oai_dc.xsd",
      namespace: "http://www.openarchives.org/OAI/2.0/oai_dc/",
    });
  });

  it("splits referencetext at blank lines as Perl's split does", () => {
    expect(references("a\nb\n\n  \nc\n\n\n")).toEqual(["a\nb", "c"]);
    expect(references("\n\nlead")).toEqual(["", "lead"]);
    expect(references(undefined)).toEqual([]);
  });

  it("writes one indented dc:relation per reference", () => {
    const r = withRefs();
    expect(oaiBibliographyFormat.oaiMetadata!(r, ctx)).toBe(
      '<oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/" xmlns:dc="http://purl.org/dc/elements/1.1/" xsi:schemaLocation="http://www.openarchives.org/OAI/2.0/oai_dc/ http://www.openarchives.org/OAI/2.0/oai_dc.xsd">' +
        "\n        <dc:relation>Smith, J. (2001) One &amp; two.\nJournal &lt;A&gt;.</dc:relation>" +
        "\n        <dc:relation>Doe, J. (2002) Three.</dc:relation></oai_dc:dc>",
    );
  });

  it.each([...EXAMPLE_IDS])("record %i validates against the oai_dc schema and is well-formed in OAI", (id) => {
    expect(oaiDcSchemaErrors(oaiBibliographyFormat.serialize(records.get(id)!, ctx))).toBe("");
    expect(xmllintErrors(inOaiEnvelope(oaiBibliographyFormat.oaiMetadata!(records.get(id)!, ctx)))).toBe("");
  });

  it("a record with references validates against the oai_dc schema", () => {
    expect(oaiDcSchemaErrors(oaiBibliographyFormat.serialize(withRefs(), ctx))).toBe("");
  });
});
