import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { oaiDcFormat } from "../../src/formats/oai_dc.js";
import { EPrintSchema, type EPrint } from "../../src/records/schema.js";
import type { FormatContext } from "../../src/formats/types.js";
import { EXAMPLE_IDS, exampleContext, exampleRecords, fixture } from "../support/examples.js";

let records: Map<number, EPrint>;
let ctx: FormatContext;
beforeAll(async () => {
  records = await exampleRecords();
  ctx = await exampleContext();
});

/** Every record but the retired 113, whose GetRecord answer is a deleted header without metadata. */
const OAI_IDS = EXAMPLE_IDS.filter((id) => id !== 113);
const getRecord = (id: number) => fixture(`OAI-PMH/GetRecord/${id}-oai_dc.xml`);
const metadataOf = (response: string) => /<oai_dc:dc[\s\S]*<\/oai_dc:dc>/.exec(response)![0];

const odd = () =>
  EPrintSchema.parse({
    eprintid: 55, rev_number: 1, eprint_status: "archive", dir: "disk0/00/00/00/55", lastmod: "2024-01-01 00:00:00",
    type: "article", title: "Carriage\r\nreturn & <tags> \"quoted\"", abstract: "Escape \u001B and bell \u0007 and \uFFFE.",
  });

describe("oai_dc", () => {
  it("declares EPrints' plugin id, name, media type, suffix and OAI metadata format", () => {
    expect(oaiDcFormat).toMatchObject({
      id: "OAI_DC",
      label: "Dublin Core - OAI Schema",
      mediaType: "text/xml",
      extension: ".xml",
      visibility: "hidden",
      oai: { prefix: "oai_dc", schema: "http://www.openarchives.org/OAI/2.0/oai_dc.xsd", namespace: "http://www.openarchives.org/OAI/2.0/oai_dc/" },
    });
  });
  it.each(OAI_IDS)("record %i: the <metadata> payload of EPrints' GetRecord byte for byte", (id) => {
    expect(oaiDcFormat.oaiMetadata!(records.get(id)!, ctx)).toBe(metadataOf(getRecord(id)));
  });
  it.each(EXAMPLE_IDS)("record %i equals EPrints' OAI_DC export byte for byte", (id) => {
    expect(oaiDcFormat.serialize(records.get(id)!, ctx)).toBe(fixture(`OAI_DC/single/${id}.xml`));
  });
  it("escapes like libxml2 (CR as &#13;, quotes literal) and replaces XML-invalid characters with U+FFFD", () => {
    const xml = oaiDcFormat.oaiMetadata!(odd(), ctx);
    expect(xml).toContain("\n        <dc:title>Carriage&#13;\nreturn &amp; &lt;tags&gt; \"quoted\"</dc:title>");
    // BEL is dropped by remove_invalid_chars; ESC and U+FFFE survive it and are replaced.
    expect(xml).toContain("<dc:description>Escape \uFFFD and bell  and \uFFFD.</dc:description>");
    // The citation is plain text: the CR LF pair collapsed to one space before escaping.
    expect(xml.endsWith('\n        <dc:identifier>  UNSPECIFIED   Carriage return &amp; &lt;tags&gt; "quoted".         </dc:identifier></oai_dc:dc>')).toBe(true);
  });
});

// Validation with xmllint against the official schemas, offline through the shared catalog.
const SCHEMAS = path.resolve("test/fixtures/schemas");
const haveXmllint = (() => {
  try {
    execFileSync("xmllint", ["--version"], { stdio: "ignore" });
    return existsSync(path.join(SCHEMAS, "catalog.xml"));
  } catch {
    return false;
  }
})();

describe.skipIf(!haveXmllint)("oai_dc validated by xmllint", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "vellum-oai-dc-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const validate = (name: string, xml: string, schema: string) => {
    const file = path.join(dir, name);
    writeFileSync(file, xml);
    return execFileSync("xmllint", ["--nonet", "--noout", "--schema", path.join(SCHEMAS, schema), file], {
      env: { ...process.env, XML_CATALOG_FILES: path.join(SCHEMAS, "catalog.xml") },
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
  };

  it("the export of every example record and of odd characters is valid oai_dc", () => {
    for (const [i, r] of [...EXAMPLE_IDS.map((id) => records.get(id)!), odd()].entries()) {
      expect(() => validate(`export-${i}.xml`, oaiDcFormat.serialize(r, ctx), "oai_dc.xsd")).not.toThrow();
    }
  });
  it("a GetRecord response carrying our payload is a valid OAI-PMH response", () => {
    for (const id of OAI_IDS) {
      const response = getRecord(id).replace(metadataOf(getRecord(id)), () => oaiDcFormat.oaiMetadata!(odd(), ctx));
      expect(() => validate(`getrecord-${id}.xml`, response, "oai-pmh-validate.xsd")).not.toThrow();
    }
  });
  it("xmllint does reject a broken payload (the check is live)", () => {
    const broken = oaiDcFormat.serialize(records.get(101)!, ctx).replace("<dc:title>", "<dc:titel>").replace("</dc:title>", "</dc:titel>");
    expect(() => validate("broken.xml", broken, "oai_dc.xsd")).toThrow();
  });
});
