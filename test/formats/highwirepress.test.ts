import { beforeAll, describe, expect, it } from "vitest";
import { highwirePressFormat, highwirePressHead, highwirePressTags } from "../../src/formats/highwirepress.js";
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

describe("Highwire Press tags", () => {
  it.each(EXAMPLE_IDS)("record %i equals EPrints' single export byte for byte", (id) => {
    expect(highwirePressFormat.serialize(records.get(id)!, ctx)).toBe(fixture(`HighwirePress/single/${id}.txt`));
  });

  // No `list`: EPrints' list export is the records' text forms one after another.
  it.each(LIST_EXAMPLE_IDS)("record %i as a one-record list equals EPrints' list export", (id) => {
    expect(highwirePressFormat.list).toBeUndefined();
    expect(highwirePressFormat.serialize(records.get(id)!, ctx)).toBe(fixture(`HighwirePress/list/${id}.txt`));
  });

  it("a thesis names its dissertation institution; anything else a report institution", () => {
    expect(highwirePressTags(constructed({ type: "thesis", institution: "Kent" }))).toContainEqual(["citation_dissertation_institution", "Kent"]);
    expect(highwirePressTags(constructed({ type: "monograph", institution: "Kent" }))).toContainEqual(["citation_technical_report_institution", "Kent"]);
  });

  it("only a published date is a publication date; the deposit date is the online date", () => {
    const submitted = highwirePressTags(constructed({ type: "article", date: "2020-02-03", date_type: "submitted", datestamp: "2021-04-05 06:07:08" }));
    expect(submitted.filter(([n]) => /date/.test(n))).toEqual([
      ["citation_online_date", "2021/04/05"],
      ["citation_date", "2021/04/05"],
    ]);
    const noDeposit = highwirePressTags(constructed({ type: "article", date: "2020", date_type: "published", datestamp: undefined }));
    expect(noDeposit.filter(([n]) => /date/.test(n))).toEqual([
      ["citation_publication_date", "2020"],
      ["citation_date", "2020"],
      ["citation_cover_date", "2020"],
    ]);
  });

  it("writes series, book details, article number and splits odd page ranges as EPrints does", () => {
    const tags = highwirePressTags(
      constructed({ type: "book", series: "Lecture Notes", article_number: "e123", pagerange: "A-1-A-9", volume: "0" }),
    );
    expect(tags).toContainEqual(["citation_series_title", "Lecture Notes"]);
    expect(tags).toContainEqual(["citation_journal_article", "e123"]);
    expect(tags).toContainEqual(["citation_firstpage", "A-1"]);
    expect(tags).toContainEqual(["citation_lastpage", "A-9"]);
    expect(tags).toContainEqual(["citation_volume", "0"]);
    expect(highwirePressTags(constructed({ type: "book", pagerange: "77" }))).toContainEqual(["citation_firstpage", "77"]);
    expect(highwirePressTags(constructed({ type: "book", pagerange: "077" })).some(([n]) => /page/.test(n))).toBe(false);
  });

  it("turns each CR and LF of a value into a space in the text form", () => {
    const out = highwirePressFormat.serialize(constructed({ type: "article", abstract: "a\r\nb\nc" }), ctx);
    expect(out).toContain("citation_abstract: a  b c\n");
  });

  it("writes an XHTML head fragment of escaped meta elements", () => {
    const head = highwirePressHead(constructed({ type: "article", title: 'R&D "quoted" <x>', datestamp: undefined }));
    expect(head).toBe('<!-- Highwire Press meta tags -->\n<meta name="citation_title" content="R&amp;D &quot;quoted&quot; &lt;x&gt;" />\n');
    expect(xmllintErrors(`<head>${highwirePressHead(records.get(102)!)}</head>`)).toBe("");
  });
});
