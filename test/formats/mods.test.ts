import { beforeAll, describe, expect, it } from "vitest";
import { modsFormat } from "../../src/formats/mods.js";
import type { EPrint } from "../../src/records/schema.js";
import type { FormatContext } from "../../src/formats/types.js";
import { SubjectTree } from "../../src/records/subjects.js";
import { EXAMPLE_IDS, exampleContext, exampleRecords, fixture, loadSubjects } from "../support/examples.js";
import { constructed } from "../support/constructed.js";
import { xmllintErrors } from "../support/xmllint.js";

let records: Map<number, EPrint>;
let ctx: FormatContext;
beforeAll(async () => {
  records = await exampleRecords();
  ctx = await exampleContext();
});

// No MODS XSD is available offline (/work/shared/schemas has only the OAI-PMH and DC
// schemas), so output is checked for well-formedness only.
describe("MODS export", () => {
  it.each(EXAMPLE_IDS)("record %i equals EPrints' single export byte for byte", (id) => {
    expect(modsFormat.serialize(records.get(id)!, ctx)).toBe(fixture(`MODS/single/${id}.xml`));
  });

  it.each(EXAMPLE_IDS)("record %i is well-formed XML (xmllint)", (id) => {
    expect(xmllintErrors(modsFormat.serialize(records.get(id)!, ctx))).toBe("");
  });

  it("a thesis names its institution and department as publisher", () => {
    const out = modsFormat.serialize(
      constructed({ type: "thesis", title: "T", institution: "University of Kent", department: "School of Computing", publisher: "Ignored" }),
      ctx,
    );
    expect(out).toContain("<mods:originInfo><mods:publisher>University of Kent;School of Computing</mods:publisher></mods:originInfo>");
    expect(out).toContain("<mods:genre>Thesis</mods:genre>");
  });

  it("a thesis without an institution falls back to the publisher", () => {
    const out = modsFormat.serialize(constructed({ type: "thesis", title: "T", publisher: "Self" }), ctx);
    expect(out).toContain("<mods:publisher>Self</mods:publisher>");
  });

  it("a thesis with an institution but no department has no separator", () => {
    const out = modsFormat.serialize(constructed({ type: "thesis", title: "T", institution: "Kent" }), ctx);
    expect(out).toContain("<mods:publisher>Kent</mods:publisher>");
  });

  it("a book with neither title nor creators has only its genre", () => {
    const out = modsFormat.serialize(constructed({ type: "book" }), ctx);
    expect(out).toMatch(/<mods:mods [^>]*><mods:genre>Book<\/mods:genre><\/mods:mods>$/);
  });

  it("double-escapes subject labels, as EPrints does, and skips unknown subjects", async () => {
    const subjects = new SubjectTree([
      ...(await loadSubjects()),
      { subjectid: "X1", rev_number: 1, name: [{ name: "X1 Arts & <Crafts>", lang: "en" }], parents: ["subjects"], depositable: true },
    ]);
    const out = modsFormat.serialize(constructed({ type: "article", subjects: ["X1", "NOPE"] }), { ...ctx, subjects });
    expect(out).toContain('<mods:classification authority="lcc">X1 Arts &amp;amp; &amp;lt;Crafts&amp;gt;</mods:classification>');
    expect(out).not.toContain("NOPE");
    expect(xmllintErrors(out)).toBe("");
  });

  it("escapes markup characters in text and replaces characters XML forbids", () => {
    const out = modsFormat.serialize(
      constructed({ type: "monograph", title: "a < b & c > d\u0001", creators: [{ name: { given: "Ann" } }], abstract: "line\r\nbreak" }),
      ctx,
    );
    expect(out).toContain("<mods:title>a &lt; b &amp; c &gt; d\ufffd</mods:title>");
    expect(out).toContain('<mods:namePart type="given">Ann</mods:namePart><mods:namePart type="family"></mods:namePart>');
    expect(out).toContain("<mods:abstract>line&#13;\nbreak</mods:abstract>");
    expect(out).toContain("<mods:genre>Monograph</mods:genre>");
    expect(xmllintErrors(out)).toBe("");
  });
});
