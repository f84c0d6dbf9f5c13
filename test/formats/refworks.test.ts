import { beforeAll, describe, expect, it } from "vitest";
import { refworksFormat } from "../../src/formats/refworks.js";
import type { EPrint } from "../../src/records/schema.js";
import type { FormatContext } from "../../src/formats/types.js";
import { EXAMPLE_IDS, exampleContext, exampleRecords } from "../support/examples.js";
import * as R from "../support/reference-records.js";

let records: Map<number, EPrint>;
let ctx: FormatContext;
beforeAll(async () => {
  records = await exampleRecords();
  ctx = await exampleContext();
});

const rw = (r: EPrint) => refworksFormat.serialize(r, ctx);
const lines = (...l: string[]) => `${l.join("\n")}\n\n`;
/** tag → values, in written order. */
function tags(r: EPrint): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const line of rw(r).slice(0, -2).split("\n")) out.set(line.slice(0, 2), [...(out.get(line.slice(0, 2)) ?? []), line.slice(3)]);
  return out;
}

/** The reference types of RefWorks' tagged format that this mapping can produce. */
const RT_VALUES = [
  "Journal Article", "Book, Whole", "Book, Edited", "Book, Section", "Conference Proceedings", "Report",
  "Dissertation/Thesis", "Dissertation/Thesis, Unpublished", "Patent", "Unpublished Material", "Generic",
];

describe("RefWorks tagged format: structure rules (RefWorks has no parser here)", () => {
  const all = () => [...EXAMPLE_IDS.map((id) => records.get(id)!), ...R.CONSTRUCTED];
  it("every record starts with RT and a RefWorks reference type", () => {
    for (const r of all()) {
      const first = rw(r).split("\n")[0]!;
      expect(first.slice(0, 3)).toBe("RT ");
      expect(RT_VALUES).toContain(first.slice(3));
    }
  });
  it("every line is a two-character tag, one space and a non-empty value that starts with no space", () => {
    for (const r of all()) {
      for (const line of rw(r).slice(0, -2).split("\n")) expect(line).toMatch(/^[A-Z][A-Z0-9] \S(.*\S)?$/);
    }
  });
  it("values hold no line breaks, so a blank line only ever ends a record", () => {
    for (const r of all()) {
      const out = rw(r);
      expect(out).not.toMatch(/\r/);
      expect(out.endsWith("\n\n")).toBe(true);
      expect(out.slice(0, -2)).not.toContain("\n\n");
    }
  });
  it("a list is the records separated by one blank line each", () => {
    const list = all().map(rw).join("");
    const parts = list.slice(0, -2).split("\n\n");
    expect(parts).toHaveLength(all().length);
    expect(parts.every((p) => p.startsWith("RT "))).toBe(true);
    expect(refworksFormat.list).toBeUndefined();
  });
  it("declares Vellum's extension identity", () => {
    expect([refworksFormat.id, refworksFormat.label, refworksFormat.mediaType, refworksFormat.extension]).toEqual([
      "RefWorks", "RefWorks", "text/plain; charset=utf-8", ".txt",
    ]);
  });
});

describe("RefWorks tagged format: mapping", () => {
  it("journal article with every common field (example 102)", () => {
    const out = rw(records.get(102)!);
    const withoutAuthors = out.split("\n").filter((l) => !l.startsWith("A1 ")).join("\n");
    expect(withoutAuthors).toBe(
      lines(
        "RT Journal Article", "SR Electronic(1)", "ID kar102",
        "T1 Global, regional, and national burden of social care need, 1990–2020: a systematic analysis",
        "JF The Lancet", "YR 2021", "FD 2021-10-30", "VO 398", "IS 10312", "SP 1707", "OP 1718", "PB Elsevier",
        "SN 0140-6736", "DO 10.1016/S0140-6736(21)02143-7", "K1 global health", "K1 social care", "K1 systematic analysis",
        "AB Background: Social care need is rising. Methods: We analysed 204 countries. Findings: Need increased by 35·2%. Interpretation: Investment is required.",
        "UL https://doi.org/10.1016/S0140-6736(21)02143-7", "LK https://kar.kent.ac.uk/id/eprint/102/",
      ),
    );
    const a1 = tags(records.get(102)!).get("A1")!;
    expect(a1).toHaveLength(35);
    expect(a1.slice(0, 2)).toEqual(["Smith, John", "Nguyen, Anh"]);
    expect(a1).toContain("Moreau, Élodie");
  });
  it("book section (example 101): editors in A2, book title in T2, non-Latin-1 names intact", () => {
    const t = tags(records.get(101)!);
    expect(t.get("RT")).toEqual(["Book, Section"]);
    expect(t.get("A1")).toContain("Kowalski, Łukasz");
    expect(t.get("A2")).toEqual(["García Márquez, María José", "Brontë, Anne"]);
    expect(t.get("T2")).toEqual(["Handbook of Comparative Social Policy"]);
    expect(t.get("K1")).toEqual(["welfare state", "comparative social policy", "care"]);
    expect(t.get("FD")).toEqual(["2019-07"]);
  });
  it("unpublished article (example 109): Unpublished Material, status and note in one NO line, abstract on one line", () => {
    const t = tags(records.get(109)!);
    expect(t.get("RT")).toEqual(["Unpublished Material"]);
    expect(t.get("NO")).toEqual(["Unpublished. Line one of the note. Line two, with a comma."]);
    expect(t.get("AB")).toEqual([
      "First paragraph says \"hello, world\", with commas. Second paragraph: it's got an apostrophe; a semicolon; and a tab\there. Third line, \"doubled \"\"quotes\"\"\" end.",
    ]);
  });
  it("book: ISBN in SN, page count in OP, edition, DOI from a doi:-prefixed id_number", () => {
    const t = tags(R.BOOK);
    expect(t.get("RT")).toEqual(["Book, Whole"]);
    expect(t.get("SN")).toEqual(["978-0-306-40615-7"]);
    expect(t.get("OP")).toEqual(["320"]);
    expect(t.has("SP")).toBe(false);
    expect(t.get("DO")).toEqual(["10.1000/book.1"]);
    expect(t.get("A2")).toEqual(["Editor, Ed"]);
  });
  it("edited book: its editors are the primary authors", () => {
    const t = tags(R.EDITED_BOOK);
    expect(t.get("RT")).toEqual(["Book, Edited"]);
    expect(t.get("A1")).toEqual(["Editor, Eve", "Second, Sam"]);
    expect(t.has("A2")).toBe(false);
    expect(t.has("FD")).toBe(false);
  });
  it("conference item: event title in T2, single page in SP", () => {
    const t = tags(R.CONFERENCE_ITEM);
    expect(t.get("RT")).toEqual(["Conference Proceedings"]);
    expect(t.get("T2")).toEqual(["Conf 2021"]);
    expect(t.get("SP")).toEqual(["7"]);
    expect(t.has("OP")).toBe(false);
  });
  it("monograph: Report, institution as publisher, report number in SN, corporate creators as authors", () => {
    const t = tags(R.MONOGRAPH);
    expect(t.get("RT")).toEqual(["Report"]);
    expect(t.get("PB")).toEqual(["University of Kent"]);
    expect(t.get("SN")).toEqual(["WP-2022-03"]);
    expect(t.get("A1")).toEqual(["Analyst, Al", "Kent Policy Unit", "Ministry of Examples"]);
  });
  it("thesis and unpublished thesis", () => {
    expect(tags(R.THESIS).get("RT")).toEqual(["Dissertation/Thesis"]);
    expect(tags(R.THESIS).get("PB")).toEqual(["University of Kent"]);
    expect(rw(R.UNPUB_THESIS)).toBe(
      lines(
        "RT Dissertation/Thesis, Unpublished", "SR Electronic(1)", "ID kar209", "A1 Student, Una", "T1 An unpublished thesis",
        "NO Unpublished. Embargoed.", "UL https://kar.kent.ac.uk/id/eprint/209/", "LK https://kar.kent.ac.uk/id/eprint/209/",
      ),
    );
  });
  it("patent: applicant as PB, number in SN; no series, volume, issue or place", () => {
    const t = tags(R.PATENT);
    expect(t.get("RT")).toEqual(["Patent"]);
    expect(t.get("PB")).toEqual(["Widgets Ltd"]);
    expect(t.get("SN")).toEqual(["EP1234567"]);
    for (const tag of ["T3", "VO", "IS", "PP", "DO"]) expect(t.has(tag)).toBe(false);
  });
  it("in press keeps its type and says so in NO", () => {
    expect(tags(R.INPRESS).get("RT")).toEqual(["Journal Article"]);
    expect(tags(R.INPRESS).get("NO")).toEqual(["In Press"]);
  });
  it("odd record: empty keywords dropped, DOI from a doi.org link, official URL in UL, abstract page in LK", () => {
    const t = tags(R.ODD);
    expect(t.get("K1")).toEqual(["lead", "trail"]);
    expect(t.get("DO")).toEqual(["10.5555/ODD.2"]);
    expect(t.get("UL")).toEqual(["https://example.org/odd"]);
    expect(t.get("LK")).toEqual(["https://kar.kent.ac.uk/id/eprint/210/"]);
    expect(t.get("AB")).toEqual(["Line one. Line two. New paragraph."]);
    expect(t.get("A1")).toEqual(["Łukasiewicz, Jan", "Plato", "Example Consortium"]);
    expect(t.get("T1")).toEqual(["Ελληνικά, 中文 and 🙂 in one title"]);
  });
});
