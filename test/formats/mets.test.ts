import { beforeAll, describe, expect, it } from "vitest";
import { metsFormat } from "../../src/formats/mets.js";
import type { EPrint } from "../../src/records/schema.js";
import type { FormatContext } from "../../src/formats/types.js";
import { EXAMPLE_IDS, LIST_EXAMPLE_IDS, exampleContext, exampleRecords, fixture } from "../support/examples.js";
import { constructed } from "../support/constructed.js";
import { inOaiEnvelope, xmllintErrors } from "../support/xmllint.js";
import { oaiPayload } from "../support/oai-payload.js";

let records: Map<number, EPrint>;
let ctx: FormatContext;
beforeAll(async () => {
  records = await exampleRecords();
  ctx = await exampleContext();
});

// CREATEDATE is the moment of export. Each example is compared with "now" set to the
// CREATEDATE it carries, which is the same as normalising that attribute on both sides.
function atCreateDate(expected: string): FormatContext {
  const when = /CREATEDATE="([^"]+)"/.exec(expected)![1]!;
  return { ...ctx, now: () => new Date(when) };
}

describe("METS export", () => {
  it.each(EXAMPLE_IDS)("record %i equals EPrints' single export byte for byte (CREATEDATE normalised)", (id) => {
    const expected = fixture(`METS/single/${id}.xml`);
    expect(metsFormat.serialize(records.get(id)!, atCreateDate(expected))).toBe(expected);
  });

  it.each(LIST_EXAMPLE_IDS)("record %i as a one-record list equals EPrints' list export", (id) => {
    const expected = fixture(`METS/list/${id}.xml`);
    const c = atCreateDate(expected);
    const l = metsFormat.list!;
    expect(l.head(c) + l.item(records.get(id)!, c, 0) + l.tail(c, 1)).toBe(expected);
  });

  it("the OAI payload of 112479 equals EPrints' GetRecord metadata", () => {
    const expected = oaiPayload("112479-mets.xml");
    expect(metsFormat.oaiMetadata!(records.get(112479)!, atCreateDate(expected))).toBe(expected);
  });

  it("declares the OAI format as EPrints does", () => {
    expect(metsFormat.oai).toEqual({ prefix: "mets", schema: "http://www.loc.gov/standards/mets/mets.xsd", namespace: "http://www.loc.gov/METS/" });
  });

  it("CREATEDATE is ctx.now() in UTC to the second", () => {
    const out = metsFormat.serialize(records.get(108)!, { ...ctx, now: () => new Date("2030-01-02T03:04:05.678Z") });
    expect(out).toContain('<mets:metsHdr CREATEDATE="2030-01-02T03:04:05Z">');
  });

  it.each(EXAMPLE_IDS)("record %i is well-formed XML, single and OAI (xmllint)", (id) => {
    expect(xmllintErrors(metsFormat.serialize(records.get(id)!, ctx))).toBe("");
    expect(xmllintErrors(inOaiEnvelope(metsFormat.oaiMetadata!(records.get(id)!, ctx)))).toBe("");
  });

  it("a two-record list is one well-formed document", () => {
    const l = metsFormat.list!;
    const out = l.head(ctx) + l.item(records.get(101)!, ctx, 0) + l.item(records.get(102)!, ctx, 1) + l.tail(ctx, 2);
    expect(xmllintErrors(out)).toBe("");
  });

  it("the archive name is escaped in the agent and the deposit agreement", () => {
    const c = { ...ctx, repo: { ...ctx.repo, archiveName: "R&D <Archive>" } };
    const out = metsFormat.serialize(records.get(108)!, c);
    expect(out).toContain("<mets:name>R&amp;D &lt;Archive&gt;</mets:name>");
    expect(out).toContain("I grant R&amp;D &lt;Archive&gt; the right to store");
    expect(xmllintErrors(out)).toBe("");
  });

  it("the OAI form self-closes empty elements, as libxml2 writes them", () => {
    const out = metsFormat.oaiMetadata!(constructed({ type: "thesis", creators: [{ name: { family: "Solo" } }] }), ctx);
    expect(out).toContain('<mods:namePart type="given"></mods:namePart>');
    expect(out).toContain("<mets:fileSec/>");
    expect(out).toContain('<mets:div DMDID="DMD_eprint_9001_mods" ADMID="TMD_eprint_9001"/>');
  });
});
