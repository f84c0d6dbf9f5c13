import { beforeAll, describe, expect, it } from "vitest";
import { prismFormat, prismHead, prismTags } from "../../src/formats/prism.js";
import type { EPrint } from "../../src/records/schema.js";
import type { FormatContext } from "../../src/formats/types.js";
import { EXAMPLE_IDS, LIST_EXAMPLE_IDS, exampleContext, exampleRecords, fixture } from "../support/examples.js";
import { constructed } from "../support/constructed.js";
import { xmllintErrors } from "../support/xmllint.js";

let records: Map<number, EPrint>;
let ctx: FormatContext;
beforeAll(async () => {
  records = await exampleRecords();
  ctx = await exampleContext();
});

describe("PRISM tags", () => {
  it.each(EXAMPLE_IDS)("record %i equals EPrints' single export byte for byte", (id) => {
    expect(prismFormat.serialize(records.get(id)!, ctx)).toBe(fixture(`Prism/single/${id}.txt`));
  });

  // No `list`: EPrints' list export is the records' text forms one after another.
  it.each(LIST_EXAMPLE_IDS)("record %i as a one-record list equals EPrints' list export", (id) => {
    expect(prismFormat.list).toBeUndefined();
    expect(prismFormat.serialize(records.get(id)!, ctx)).toBe(fixture(`Prism/list/${id}.txt`));
  });

  it("never writes a publication date, as 3.4.7 does not", () => {
    const tags = prismTags(constructed({ type: "article", date: "2020-01-02", date_type: "published" }));
    expect(tags.map(([n]) => n)).not.toContain("prism.publicationDate");
    expect(tags.map(([n]) => n)).not.toContain("prism.coverDate");
  });

  it("writes page count, edition, series and event; a page count of 0 is written", () => {
    const tags = prismTags(
      constructed({ type: "book", pages: 0, edition: "3rd", series: "S", event_title: "E", pagerange: "5" }),
    );
    expect(tags).toEqual([
      ["prism.dateReceived", "2023-03-04T05:06:07"],
      ["prism.modificationDate", "2023-03-05T06:07:08"],
      ["prism.pageRange", "5"],
      ["prism.startingPage", "5"],
      ["prism.pageCount", "0"],
      ["prism.bookEdition", "3rd"],
      ["prism.seriesTitle", "S"],
      ["prism.event", "E"],
    ]);
  });

  it("leaves out a deposit date that has no time of day (old imported records)", () => {
    const r = { ...constructed({ type: "other" }), datestamp: "2003-04-16" };
    expect(prismTags(r).map(([n]) => n)).toEqual(["prism.modificationDate"]);
  });

  it("writes an XHTML head fragment with the PRISM schema link first", () => {
    const head = prismHead(records.get(113)!);
    expect(head.split("\n").slice(0, 3)).toEqual([
      "<!-- PRISM meta tags -->",
      '<link rel="schema.prism" href="https://www.w3.org/submissions/2020/SUBM-prism-20200910/" />',
      '<meta name="prism.dateReceived" content="2015-05-05T05:05:05" />',
    ]);
    expect(xmllintErrors(`<head>${head}</head>`)).toBe("");
  });
});
