import { beforeAll, describe, expect, it } from "vitest";
import { risFormat } from "../../src/formats/ris.js";
import type { EPrint } from "../../src/records/schema.js";
import type { FormatContext } from "../../src/formats/types.js";
import { EXAMPLE_IDS, LIST_EXAMPLE_IDS, exampleContext, exampleRecords, fixture } from "../support/examples.js";
import { bibutils, hasTool, modsRecords } from "../support/bibutils.js";
import { tagOrder, tagValues } from "../support/tagged.js";
import * as R from "../support/reference-records.js";

let records: Map<number, EPrint>;
let ctx: FormatContext;
beforeAll(async () => {
  records = await exampleRecords();
  ctx = await exampleContext();
});

const RIS_TAG = /^([A-Z][A-Z0-9])  -(?: |$)/;
const ris = (r: EPrint) => risFormat.serialize(r, ctx);
const tags = (r: EPrint) => tagValues(ris(r), RIS_TAG);

/** EPrints' tag order after TY is Perl hash order: compare TY, ER and tag → values. */
function expectSameRis(actual: string, expected: string) {
  expect(actual.split("\n")[0]).toBe(expected.split("\n")[0]);
  expect(actual.endsWith("\nER  -\n\n")).toBe(true);
  expect(tagValues(actual, RIS_TAG)).toEqual(tagValues(expected, RIS_TAG));
  expect(actual.length).toBe(expected.length);
}

describe("RIS export: the EPrints examples", () => {
  it("declares EPrints' plugin identity", () => {
    expect([risFormat.id, risFormat.label, risFormat.mediaType, risFormat.extension]).toEqual([
      "RIS", "Reference Manager", "text/plain", ".ris",
    ]);
  });
  it.each(EXAMPLE_IDS)("record %i has EPrints' tags and values (order aside)", (id) => {
    expectSameRis(ris(records.get(id)!), fixture(`RIS/single/${id}.ris`));
  });
  it.each(LIST_EXAMPLE_IDS)("record %i as a one-record list is the single export", (id) => {
    expect(risFormat.list).toBeUndefined();
    expectSameRis(ris(records.get(id)!), fixture(`RIS/list/${id}.ris`));
  });
  it("writes the tags in Vellum's documented order, TY first and ER last", () => {
    const out = ris(records.get(101)!);
    expect(tagOrder(out, RIS_TAG)).toEqual([
      "TY", "ID", "A1", "ED", "TI", "T2", "Y1", "SP", "EP", "CY", "PB", "SN", "KW", "N2", "AV", "UR", "ER",
    ]);
  });
  it("turns characters outside Latin-1 into ? and keeps Latin-1 ones", () => {
    const t = tags(records.get(101)!);
    expect(t.get("A1")).toContain("Kowalski, ?ukasz");
    expect(t.get("A1")).toContain("Müller, Jürgen");
  });
});

describe("RIS export: rules on constructed records", () => {
  it("book: volume goes to IS, ISBN to SN, editors to ED, page count to EP", () => {
    const t = tags(R.BOOK);
    expect(t.get("TY")).toEqual(["BOOK"]);
    expect(t.get("IS")).toEqual(["2"]);
    expect(t.get("SN")).toEqual(["978-0-306-40615-7"]);
    expect(t.get("ED")).toEqual(["Editor, Ed"]);
    expect(t.get("EP")).toEqual(["320"]);
    expect(t.has("SP")).toBe(false);
    expect(t.get("T3")).toEqual(["Series of Books"]);
    expect(t.get("Y1")).toEqual(["2020/03/04/"]);
    expect(t.has("VL")).toBe(false);
  });
  it("book section: book title in T2, volume in M1 (EPrints' slip for M2), full name parts", () => {
    const t = tags(R.BOOK_SECTION);
    expect(t.get("TY")).toEqual(["CHAP"]);
    expect(t.get("T2")).toEqual(["The Containing Book"]);
    expect(t.get("M1")).toEqual(["3"]);
    expect(t.get("A1")).toEqual(["Writer Jr, Dr Wil"]);
    expect(t.get("SP")).toEqual(["5"]);
    expect(t.get("EP")).toEqual(["17"]);
  });
  it("conference item: event title in T2, location in M2, volume in VL; a page without a hyphen gives no SP/EP", () => {
    const t = tags(R.CONFERENCE_ITEM);
    expect(t.get("TY")).toEqual(["CONF"]);
    expect(t.get("T2")).toEqual(["Conf 2021"]);
    expect(t.get("M2")).toEqual(["Oslo, Norway"]);
    expect(t.get("VL")).toEqual(["12"]);
    expect(t.get("ED")).toEqual(["Chair, Cy"]);
    expect(t.get("CY")).toEqual(["Bergen"]);
    expect(t.has("SP") || t.has("EP")).toBe(false);
    expect(t.has("JF")).toBe(false);
    expect(t.has("IS")).toBe(false);
  });
  it("monograph: report number in VL, monograph_type id in M1", () => {
    const t = tags(R.MONOGRAPH);
    expect(t.get("TY")).toEqual(["RPRT"]);
    expect(t.get("VL")).toEqual(["WP-2022-03"]);
    expect(t.get("M1")).toEqual(["working_paper"]);
    expect(t.get("PB")).toEqual(["Kent Press"]);
    // RIS has no corporate author tag in EPrints' mapping.
    expect(t.get("A1")).toEqual(["Analyst, Al"]);
  });
  it("thesis: institution as PB, thesis_type id in M1, volume VL and number IS", () => {
    const t = tags(R.THESIS);
    expect(t.get("TY")).toEqual(["THES"]);
    expect(t.get("PB")).toEqual(["University of Kent"]);
    expect(t.get("M1")).toEqual(["doctoral"]);
    expect(t.get("VL")).toEqual(["1"]);
    expect(t.get("IS")).toEqual(["2"]);
  });
  it("patent: patent number in IS; no place, publisher or series", () => {
    const t = tags(R.PATENT);
    expect(t.get("TY")).toEqual(["PAT"]);
    expect(t.get("IS")).toEqual(["EP1234567"]);
    for (const tag of ["CY", "PB", "T3", "VL", "ED"]) expect(t.has(tag)).toBe(false);
    expect(t.get("Y1")).toEqual(["2016/02//"]);
  });
  it("status overrides: in press is INPR, unpublished is UNPB; a note replaces the status label", () => {
    expect(tags(R.INPRESS).get("TY")).toEqual(["INPR"]);
    expect(tags(R.INPRESS).get("N1")).toEqual(["In Press"]);
    expect(tags(R.UNPUB_THESIS).get("TY")).toEqual(["UNPB"]);
    expect(tags(R.UNPUB_THESIS).get("N1")).toEqual(["Embargoed."]);
  });
  it("odd record: GEN, EP from pages, untrimmed KW with Perl's split, one ? per character, official URL", () => {
    const t = tags(R.ODD);
    expect(t.get("TY")).toEqual(["GEN"]);
    expect(t.get("EP")).toEqual(["12"]);
    expect(t.get("IS")).toEqual(["5"]);
    expect(t.get("KW")).toEqual(["", "lead", "", "trail"]);
    expect(t.get("TI")).toEqual(["????????, ?? and ? in one title"]);
    expect(t.get("A1")).toEqual(["?ukasiewicz, Jan", "Plato"]);
    expect(t.get("N1")).toEqual(["Submitted"]);
    expect(t.get("N2")).toEqual(["Line one.\r\nLine two.\n\nNew paragraph."]);
    expect(t.get("UR")).toEqual(["https://example.org/odd"]);
  });
});

describe.skipIf(!hasTool("ris2xml"))("RIS export read back by bibutils ris2xml", () => {
  const latin1 = (s: string) => [...s].map((c) => (c.codePointAt(0)! > 0xff ? "?" : c)).join("");
  it.each([...EXAMPLE_IDS, ...R.CONSTRUCTED.map((r) => r.eprintid)])(
    "record %i keeps its authors, title, year and DOI",
    async (id) => {
      const r = records.get(id) ?? R.CONSTRUCTED.find((c) => c.eprintid === id)!;
      const [mods] = await modsRecords(bibutils("ris2xml", ris(r)).xml);
      expect(mods!.id).toBe(`kar${id}`);
      // bibutils drops the full stops of initials; compare names as A1 wrote them, without them.
      const plain = (n: { family?: string; given?: string }) => JSON.parse(JSON.stringify(n).replace(/\./g, ""));
      expect(mods!.authors.map(plain)).toEqual(
        (tags(r).get("A1") ?? []).map((a) => {
          const [family, given] = a.split(", ");
          return plain({ family, ...(given ? { given } : {}) });
        }),
      );
      expect(mods!.title).toBe(latin1(r.title!));
      expect(mods!.dateIssued?.slice(0, 4)).toBe(r.date?.slice(0, 4));
      // RIS as EPrints writes it has no DOI tag: the DOI travels in UR as a doi.org link.
      const doiUrl = /^https:\/\/doi\.org\/(.+)$/.exec(r.official_url ?? "");
      expect(mods!.doi).toBe(doiUrl?.[1]);
    },
  );
  it("reads a two-record list as two records", async () => {
    const mods = await modsRecords(bibutils("ris2xml", ris(records.get(101)!) + ris(records.get(102)!)).xml);
    expect(mods.map((m) => m.id)).toEqual(["kar101", "kar102"]);
  });
});
