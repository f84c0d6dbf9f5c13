/**
 * The default eprint citation (flavours/pub_lib/citations/eprint/default.xml). Expected texts
 * for constructed records were worked out by hand from the template: each text node between
 * tags (newline plus indent) becomes one space in plain text, so spaces pile up where
 * branches print nothing.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { citationHtml, citationText } from "../../src/formats/citation.js";
import { EPrintSchema, type EPrint } from "../../src/records/schema.js";
import type { FormatContext } from "../../src/formats/types.js";
import { EXAMPLE_IDS, exampleContext, exampleRecords, fixture } from "../support/examples.js";

let records: Map<number, EPrint>;
let ctx: FormatContext;
beforeAll(async () => {
  records = await exampleRecords();
  ctx = await exampleContext();
});

const make = (fields: Record<string, unknown>): EPrint =>
  EPrintSchema.parse({ eprintid: 900, rev_number: 1, eprint_status: "archive", dir: "disk0/00/00/09/00", lastmod: "2024-01-01 00:00:00", ...fields });
const person = (family: string, given?: string) => ({ name: given === undefined ? { family } : { family, given } });
const doe = { creators: [person("Doe", "J")] };

describe("the example records", () => {
  it.each(EXAMPLE_IDS)("record %i: plain text as in EPrints' Text, DC and Simple exports", (id) => {
    const text = citationText(records.get(id)!);
    expect(`${text}\n\n`).toBe(fixture(`Text/single/${id}.txt`));
    expect(fixture(`DC/single/${id}.txt`).split("\n")).toContain(`identifier: ${text}`);
    expect(fixture(`Simple/single/${id}.txt`).split("\n")).toContain(`citation: ${text}`);
  });
  it.each(EXAMPLE_IDS)("record %i: HTML as in EPrints' HTML export", (id) => {
    expect(citationHtml(records.get(id)!, ctx)).toBe(fixture(`HTML/single/${id}.html`));
  });
});

describe("every branch of the template, as plain text", () => {
  it("book with creators: edition, series with volume and number, place, pages, ISBN, in press", () => {
    const r = make({
      type: "book", creators: [person("Smith", "Ann"), person("Jones", "Bob")], date: "2001-05", title: "A Book",
      edition: "3rd", series: "Series Name", volume: "7", number: "2", publisher: "Pub", place_of_pub: "London",
      pagerange: "10-20", isbn: "123", ispublished: "inpress",
    });
    expect(citationText(r)).toBe(
      "  Smith, Ann and Jones, Bob  (2001) A Book.    3rd ed.  Series Name, 7  (2).  Pub, London, pp. 10-20.  ISBN 123    (In Press)  ",
    );
  });
  it("book without creators is cited by its editors; a missing publisher prints UNSPECIFIED", () => {
    const r = make({ type: "book", editors: [person("Ed", "One"), person("Ed", "Two")], title: "Why?" });
    expect(citationText(r)).toBe("  Ed, One and Ed, Two (eds.).   Why?     UNSPECIFIED.      ");
    const one = make({ type: "book", editors: [person("Ed", "One")], title: "T", publisher: "P" });
    expect(citationText(one)).toBe("  Ed, One (ed.).   T.     P.      ");
  });
  it("book section without creators names the book's editors after In:", () => {
    const r = make({ type: "book_section", editors: [person("Ed", "One")], book_title: "Proceedings", publisher: "P", title: "Chapter" });
    expect(citationText(r)).toBe("  UNSPECIFIED   Chapter.   In: Ed, One (ed.) Proceedings.    P.      ");
  });
  it("article: a volume of \"0\" is false to EPrints and left out; article number and a single page", () => {
    const r = make({
      type: "article", ...doe, date: "2020", title: "Art", publication: "J", volume: "0", number: "3",
      article_number: "e12", pagerange: "5", issn: "1234-5678",
    });
    expect(citationText(r)).toBe("  Doe, J  (2020) Art.  J (3): e12.  p. 5.  ISSN 1234-5678     ");
  });
  it("monograph: type label, publisher and place, submitted", () => {
    const r = make({ type: "monograph", ...doe, date: "2020", title: "Paper", monograph_type: "working_paper", publisher: "Inst", place_of_pub: "Kent", ispublished: "submitted" });
    expect(citationText(r)).toBe("  Doe, J  (2020) Paper.  Working Paper. Inst, Kent.    (Submitted)  ");
  });
  it("conference item without an event title", () => {
    const r = make({ type: "conference_item", ...doe, title: "Talk", event_location: "Kent" });
    expect(citationText(r)).toBe("  Doe, J   Talk.  In: UNSPECIFIED, Kent.     ");
  });
  it("thesis: no publication status even when unpublished", () => {
    const r = make({ type: "thesis", ...doe, date: "1999-12-01", title: "Thesis Title", thesis_type: "doctoral", institution: "Univ", ispublished: "unpub" });
    expect(citationText(r)).toBe("  Doe, J  (1999) Thesis Title.  Doctoral thesis, Univ.   ");
  });
  it("patent: by applicant, and a DOI id_number becomes a link written out in angle brackets", () => {
    const r = make({ type: "patent", patent_applicant: "Acme Ltd", title: "Widget", id_number: "doi:10.1000/x(1)", ispublished: "unpub" });
    expect(citationText(r)).toBe("  Acme Ltd   Widget.  10.1000/x(1) <https://doi.org/10.1000/x%281%29>.   ");
    const plain = make({ type: "patent", patent_applicant: "Acme Ltd", title: "Widget", id_number: "GB 123 456" });
    expect(citationText(plain)).toBe("  Acme Ltd   Widget.  GB 123 456.   ");
    // id_number renders through render_possible_doi, which prints nothing (not UNSPECIFIED) when unset.
    const none = make({ type: "patent", title: "Widget" });
    expect(citationText(none)).toBe("  UNSPECIFIED   Widget.  .   ");
  });
  it("other: publisher and place", () => {
    const r = make({ type: "other", ...doe, title: "Thing", publisher: "P", place_of_pub: "X" });
    expect(citationText(r)).toBe("  Doe, J   Thing.  P, X.     ");
  });
  it.each([
    ["artefact", "Artefact"],
    ["exhibition", "Show/Exhibition"],
    ["composition", "Composition"],
    ["performance", "Performance"],
    ["image", "Image"],
    ["video", "Video"],
    ["audio", "Audio"],
    ["dataset", "Dataset"],
    ["experiment", "Experiment"],
    ["teaching_resource", "Teaching Resource"],
  ])("%s falls to the template's otherwise branch: the type name in brackets", (type, label) => {
    expect(citationText(make({ type, title: "Thing" }))).toBe(`  UNSPECIFIED   Thing.  [${label}]     `);
  });
});

describe("values inside the citation", () => {
  it.each([
    ["1-10", "pp. 1-10"],
    ["12-12", "p. 12"],
    ["7", "p. 7"],
    ["0123", "0123"],
    ["e1234", "e1234"],
    ["a--b", "pp. a--b"],
    // Three hyphens: EPrints tries to split at the middle one, fails, and prints the value bare.
    ["a---b", "a---b"],
  ])("pagerange %s is printed as %s", (pagerange, want) => {
    expect(citationText(make({ type: "article", title: "T", pagerange }))).toBe(`  UNSPECIFIED   T.    ${want}.      `);
  });
  it("names: honourific and lineage kept, a lone part printed alone", () => {
    const r = make({ type: "other", title: "T", creators: [{ name: { family: "King", given: "Martin", lineage: "Jr", honourific: "Dr" } }, { name: { given: "Cher" } }] });
    expect(citationText(r)).toMatch(/^ {2}King Jr, Dr Martin and Cher {3}T\./);
  });
  it("magicstop: a title ending in . ? or ! gets no extra stop; trailing space is dropped first", () => {
    expect(citationText(make({ type: "other", title: "Done!" }))).toContain(" Done! ");
    expect(citationText(make({ type: "other", title: "Spaced \n " }))).toContain(" Spaced. ");
  });
  it("white space inside a value collapses to one space in text but is kept, escaped, in HTML", () => {
    const r = make({ type: "other", title: "A < B & C\r\nD\u00A0\u00A0E" });
    expect(citationText(r)).toContain(" A < B & C D E. ");
    expect(citationHtml(r, ctx)).toContain("<em>A &lt; B &amp; C&#13;\nD\u00A0\u00A0E.</em>");
  });
});

describe("HTML", () => {
  it("keeps the template's whitespace, links the title and a DOI", () => {
    const r = make({ type: "patent", patent_applicant: "Acme Ltd", title: "Widget", id_number: "https://doi.org/10.1000/x(1)" });
    expect(citationHtml(r, ctx)).toBe(
      '<p class="citation">\n\n\n    Acme Ltd\n  \n\n\n\n<a href="https://kar.kent.ac.uk/id/eprint/900/"><em>Widget.</em></a>\n\n\n    ' +
        '<a href="https://doi.org/10.1000/x%281%29" target="_blank">10.1000/x(1)</a>.\n  \n\n\n\n</p>',
    );
  });
  it("is well-formed XML (checked by xmllint-wasm)", async () => {
    const { validateXML } = await import("xmllint-wasm");
    const r = make({ type: "book_section", ...doe, title: "<Tag> & \"quotes\"", book_title: "B", ispublished: "inpress" });
    for (const html of [citationHtml(r, ctx), ...EXAMPLE_IDS.map((id) => citationHtml(records.get(id)!, ctx))]) {
      const res = await validateXML({ xml: [{ fileName: "citation.html", contents: html }], normalization: "format" });
      expect(res.errors).toEqual([]);
      expect(res.valid).toBe(true);
    }
  });
});
