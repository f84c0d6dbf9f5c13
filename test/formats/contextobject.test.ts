import { beforeAll, describe, expect, it } from "vitest";
import { contextObjectFormat, referentMetadata } from "../../src/formats/contextobject.js";
import { referent, type OpenUrlFormat } from "../../src/formats/openurl.js";
import type { EPrint } from "../../src/records/schema.js";
import type { FormatContext } from "../../src/formats/types.js";
import { eprintsString } from "../../src/formats/xml-tree.js";
import { EXAMPLE_IDS, LIST_EXAMPLE_IDS, exampleContext, exampleRecords, fixture } from "../support/examples.js";
import { constructed } from "../support/constructed.js";
import { oaiDcSchemaErrors, xmllintErrors } from "../support/xmllint.js";

let records: Map<number, EPrint>;
let ctx: FormatContext;
beforeAll(async () => {
  records = await exampleRecords();
  ctx = await exampleContext();
});

/**
 * EPrints orders the fields of a journal/book/dissertation element by Perl hash order, so
 * the examples are compared with those fields as a set: the text outside the entity element
 * byte for byte, the authors block byte for byte (it is always first), the genre last, and
 * the remaining `<p:key>value</p:key>` elements as an unordered collection.
 */
function canonical(xml: string): string {
  return xml.replace(/(<(jnl|dis):journal [^>]*>(?:<\2:authors>.*?<\/\2:authors>)?)(.*?)(<\2:genre>[^<]*<\/\2:genre>)?(<\/\2:journal>)/s, (_m, open, p, fields, genre = "", close) => {
    const parts = (fields as string).match(new RegExp(`<${p}:[a-z]+>[^<]*</${p}:[a-z]+>`, "g")) ?? [];
    expect(parts.join("")).toBe(fields);
    return open + [...parts].sort().join("") + genre + close;
  });
}

const SUBPLUGINS: [string, OpenUrlFormat][] = [
  ["ContextObject-Journal", "journal"],
  ["ContextObject-Book", "book"],
  ["ContextObject-Dissertation", "dissertation"],
  ["ContextObject-DublinCore", "dc"],
];

describe("OpenURL ContextObject export", () => {
  it.each(EXAMPLE_IDS)("record %i equals EPrints' single export (fields compared as a set)", (id) => {
    const expected = fixture(`ContextObject/single/${id}.xml`);
    expect(canonical(contextObjectFormat.serialize(records.get(id)!, ctx))).toBe(canonical(expected));
  });

  // The fixed order Vellum chose is the one the examples happen to show, so today they
  // match byte for byte as well; the set comparison above is the contract.
  it.each(EXAMPLE_IDS)("record %i also matches byte for byte in the order Vellum chose", (id) => {
    expect(contextObjectFormat.serialize(records.get(id)!, ctx)).toBe(fixture(`ContextObject/single/${id}.xml`));
  });

  it.each(LIST_EXAMPLE_IDS)("record %i as a one-record list equals EPrints' list export", (id) => {
    const l = contextObjectFormat.list!;
    const out = l.head(ctx) + l.item(records.get(id)!, ctx, 0) + l.tail(ctx, 1);
    expect(canonical(out)).toBe(canonical(fixture(`ContextObject/list/${id}.xml`)));
  });

  for (const [dir, format] of SUBPLUGINS) {
    it.each(EXAMPLE_IDS)(`record %i in the ${format} format equals EPrints' ${dir} export`, (id) => {
      const out = eprintsString(referentMetadata(referent(records.get(id)!, ctx, format), true));
      expect(canonical(out)).toBe(canonical(fixture(`${dir}/single/${id}.xml`)));
    });
  }

  it.each(EXAMPLE_IDS)("record %i is well-formed, single and as a list (xmllint)", (id) => {
    expect(xmllintErrors(contextObjectFormat.serialize(records.get(id)!, ctx))).toBe("");
    const l = contextObjectFormat.list!;
    expect(xmllintErrors(l.head(ctx) + l.item(records.get(id)!, ctx, 0) + l.item(records.get(101)!, ctx, 1) + l.tail(ctx, 2))).toBe("");
  });

  it("the embedded Dublin Core validates against the oai_dc schema", () => {
    expect(oaiDcSchemaErrors(eprintsString(referentMetadata(referent(records.get(108)!, ctx), true)))).toBe("");
  });

  it("describes a thesis as a dissertation, degree by label", () => {
    const r = constructed({
      type: "thesis",
      title: "A  thesis\nin two lines",
      creators: [{ name: { family: "Student", given: "Sam" } }],
      date: "2020-09-05",
      pages: 212,
      institution: "University of Kent",
      thesis_type: "postdoctoral",
    });
    const out = contextObjectFormat.serialize(r, ctx);
    expect(out).toContain("<ctx:format>info:ofi/fmt:xml:xsd:dissertation</ctx:format>");
    expect(out).toContain(
      '<dis:journal xsi:schemaLocation="info:ofi/fmt:xml:xsd:dissertation http://www.openurl.info/registry/docs/info:ofi/fmt:xml:xsd:dissertation" xmlns:dis="info:ofi/fmt:xml:xsd:dissertation">' +
        "<dis:authors><dis:author><dis:aulast>Student</dis:aulast><dis:aufirst>Sam</dis:aufirst><dis:au>Student, Sam</dis:au></dis:author></dis:authors>" +
        "<dis:title>A thesis in two lines</dis:title><dis:tpages>212</dis:tpages><dis:date>5 September 2020</dis:date>" +
        "<dis:inst>University of Kent</dis:inst><dis:degree>Post-Doctoral</dis:degree></dis:journal>",
    );
    expect(xmllintErrors(out)).toBe("");
  });

  it("describes a book with its own title as btitle, and without authors has no authors element", () => {
    const out = contextObjectFormat.serialize(constructed({ type: "book", title: "The Book", book_title: "Series Book", pages: 300, isbn: "978-0-00-000000-2" }), ctx);
    expect(out).toContain(
      "<dis:journal " +
        'xsi:schemaLocation="info:ofi/fmt:xml:xsd:book http://www.openurl.info/registry/docs/info:ofi/fmt:xml:xsd:book" xmlns:dis="info:ofi/fmt:xml:xsd:book">' +
        "<dis:isbn>978-0-00-000000-2</dis:isbn><dis:btitle>Series Book</dis:btitle><dis:btitle>The Book</dis:btitle><dis:tpages>300</dis:tpages><dis:genre>book</dis:genre></dis:journal>",
    );
  });

  it("describes types without a format of their own (monograph) in Dublin Core", () => {
    const out = contextObjectFormat.serialize(constructed({ type: "monograph", title: "Report", monograph_type: "technical_report" }), ctx);
    expect(out).toContain("<ctx:format>info:ofi/fmt:xml:xsd:oai_dc</ctx:format>");
    expect(out).toContain("<dc:type>Monograph</dc:type>");
    expect(xmllintErrors(out)).toBe("");
  });

  it("writes the timestamp from lastmod and the OAI identifier from the archive id", () => {
    const out = contextObjectFormat.serialize(constructed({ eprintid: 77, type: "article" }), ctx);
    expect(out).toMatch(/^<ctx:context-object [^>]*timestamp="2023-03-05T06:07:08Z"/);
    expect(out).toContain("<ctx:identifier>info:oai:kar.kent.ac.uk:77</ctx:identifier>");
  });
});
