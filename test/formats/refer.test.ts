import { beforeAll, describe, expect, it } from "vitest";
import { referFormat } from "../../src/formats/refer.js";
import type { EPrint } from "../../src/records/schema.js";
import type { FormatContext } from "../../src/formats/types.js";
import { EXAMPLE_IDS, LIST_EXAMPLE_IDS, exampleContext, exampleRecords, fixture } from "../support/examples.js";
import { tagOrder, tagValues } from "../support/tagged.js";
import * as R from "../support/reference-records.js";

let records: Map<number, EPrint>;
let ctx: FormatContext;
beforeAll(async () => {
  records = await exampleRecords();
  ctx = await exampleContext();
});

const REFER_TAG = /^%(\S) /;
const refer = (r: EPrint) => referFormat.serialize(r, ctx);
const tags = (r: EPrint) => tagValues(refer(r), REFER_TAG);

/**
 * EPrints 3.4.7 double-encodes non-ASCII in Refer (its UTF-8 bytes, read as characters,
 * encoded again). Every character of such text is below U+0100; reading those as bytes
 * gives the UTF-8 EPrints meant, which is what Vellum sends.
 */
function undoDoubleEncoding(text: string): string {
  expect([...text].every((c) => c.codePointAt(0)! <= 0xff)).toBe(true);
  return Buffer.from(text, "latin1").toString("utf8");
}

/** EPrints' tag order is Perl hash order: compare tag → values (each tag's values in order). */
function expectSameRefer(actual: string, expectedFromEPrints: string) {
  const expected = undoDoubleEncoding(expectedFromEPrints);
  expect(actual.endsWith("\n\n")).toBe(true);
  expect(tagValues(actual, REFER_TAG)).toEqual(tagValues(expected, REFER_TAG));
  expect(actual.length).toBe(expected.length);
}

describe("Refer export: the EPrints examples", () => {
  it("declares EPrints' plugin identity", () => {
    expect([referFormat.id, referFormat.label, referFormat.mediaType, referFormat.extension]).toEqual([
      "Refer", "Refer", "text/plain", ".refer",
    ]);
  });
  it.each(EXAMPLE_IDS)("record %i has EPrints' tags and values (order and double encoding aside)", (id) => {
    expectSameRefer(refer(records.get(id)!), fixture(`Refer/single/${id}.refer`));
  });
  it.each(LIST_EXAMPLE_IDS)("record %i as a one-record list is the single export", (id) => {
    expect(referFormat.list).toBeUndefined();
    expectSameRefer(refer(records.get(id)!), fixture(`Refer/list/${id}.refer`));
  });
  it("EPrints' own output is mojibake; Vellum writes the names correctly", () => {
    expect(fixture("Refer/single/101.refer")).toContain("%A JÃ¼rgen MÃ¼ller\n");
    expect(refer(records.get(101)!)).toContain("%A Jürgen Müller\n");
    expect(tags(records.get(101)!).get("A")).toContain("Łukasz Kowalski");
  });
  it("writes the tags in Vellum's documented order", () => {
    expect(tagOrder(refer(records.get(102)!), REFER_TAG)).toEqual(["A", "T", "J", "V", "N", "P", "D", "I", "R", "K", "X", "L"]);
  });
});

describe("Refer export: rules on constructed records", () => {
  it("names are given name first, honourific before and lineage after", () => {
    expect(tags(R.BOOK_SECTION).get("A")).toEqual(["Dr Wil Writer Jr"]);
    expect(tags(R.BOOK_SECTION).get("E")).toEqual(["Ed Editor"]);
    expect(tags(R.ODD).get("A")).toEqual(["Jan Łukasiewicz", "Plato"]);
  });
  it("book: no pages tag for a page count, id_number written whatever it is", () => {
    const t = tags(R.BOOK);
    expect(t.has("P")).toBe(false);
    expect(t.get("R")).toEqual(["doi:10.1000/book.1"]);
    expect(t.get("S")).toEqual(["Series of Books"]);
    expect(t.get("V")).toEqual(["2"]);
    expect(t.get("N")).toEqual(["7"]);
  });
  it("book section: book title in %B", () => {
    expect(tags(R.BOOK_SECTION).get("B")).toEqual(["The Containing Book"]);
  });
  it("publisher wins over institution, place of publication over event location", () => {
    expect(tags(R.CONFERENCE_ITEM).get("C")).toEqual(["Bergen"]);
    expect(tags(R.MONOGRAPH).get("I")).toEqual(["Kent Press"]);
    expect(tags(R.THESIS).get("I")).toEqual(["Not used for theses"]);
    expect(tags(R.UNPUB_THESIS).has("I")).toBe(false);
    const noPlace = R.record(301, { type: "conference_item", title: "t", event_location: "Oslo", institution: "Uni" });
    expect(tags(noPlace).get("C")).toEqual(["Oslo"]);
    expect(tags(noPlace).get("I")).toEqual(["Uni"]);
  });
  it("patent: no volume or number", () => {
    const t = tags(R.PATENT);
    expect(t.has("V") || t.has("N")).toBe(false);
    expect(t.get("R")).toEqual(["EP1234567"]);
    expect(t.get("P")).toEqual(["1-20"]);
  });
  it("type and status change nothing else; the note is %O", () => {
    expect(refer(R.UNPUB_THESIS)).toBe("%A Una Student\n%T An unpublished thesis\n%O Embargoed.\n%L kar209\n\n");
  });
  it("odd record: newlines inside values kept, non-Latin text written once as UTF-8", () => {
    const t = tags(R.ODD);
    expect(t.get("X")).toEqual(["Line one.\r\nLine two.\n\nNew paragraph."]);
    expect(t.get("T")).toEqual(["Ελληνικά, 中文 and 🙂 in one title"]);
    expect(t.get("K")).toEqual([",lead,,trail,"]);
    expect(t.has("P")).toBe(false);
  });
});
