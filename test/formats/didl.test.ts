import { beforeAll, describe, expect, it } from "vitest";
import { didlFormat } from "../../src/formats/didl.js";
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

describe("MPEG-21 DIDL export", () => {
  it.each(EXAMPLE_IDS)("record %i equals EPrints' single export byte for byte", (id) => {
    expect(didlFormat.serialize(records.get(id)!, ctx)).toBe(fixture(`DIDL/single/${id}.xml`));
  });

  it("the OAI payload of 112479 equals EPrints' GetRecord metadata", () => {
    expect(didlFormat.oaiMetadata!(records.get(112479)!, ctx)).toBe(oaiPayload("112479-didl.xml"));
  });

  it("declares the OAI format as EPrints does", () => {
    expect(didlFormat.oai).toEqual({
      prefix: "didl",
      schema: "http://standards.iso.org/ittf/PubliclyAvailableStandards/MPEG-21_schema_files/did/didl.xsd",
      namespace: "urn:mpeg:mpeg21:2002:02-DIDL-NS",
    });
  });

  it.each(EXAMPLE_IDS)("record %i is well-formed, single and in OAI (xmllint)", (id) => {
    expect(xmllintErrors(didlFormat.serialize(records.get(id)!, ctx))).toBe("");
    expect(xmllintErrors(inOaiEnvelope(didlFormat.oaiMetadata!(records.get(id)!, ctx)))).toBe("");
  });

  it("links the export and the abstract page of the record, and its modification time", () => {
    const out = didlFormat.oaiMetadata!(constructed({ eprintid: 321, type: "book", lastmod: "2024-12-31 23:59:59" }), { ...ctx, repo: { ...ctx.repo, repoId: "demo" } });
    expect(out).toContain('DIDLDocumentId="https://kar.kent.ac.uk/id/eprint/321"');
    expect(out).toContain("<dcterms:modified>2024-12-31T23:59:59Z</dcterms:modified>");
    expect(out).toContain('<didl:Resource mimeType="application/xml" ref="https://kar.kent.ac.uk/cgi/export/eprint/321/DIDL/demo-eprint-321.xml"/>');
    expect(out).toContain('<didl:Resource mimeType="application/html" ref="https://kar.kent.ac.uk/id/eprint/321/"/>');
  });
});
