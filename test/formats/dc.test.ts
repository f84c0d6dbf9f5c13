import { beforeAll, describe, expect, it } from "vitest";
import { dcFormat } from "../../src/formats/dc.js";
import { dublinCore } from "../../src/formats/dublin-core.js";
import { citationText } from "../../src/formats/citation.js";
import { EPrintSchema, type EPrint } from "../../src/records/schema.js";
import type { FormatContext } from "../../src/formats/types.js";
import { EXAMPLE_IDS, LIST_EXAMPLE_IDS, exampleContext, exampleRecords, fixture } from "../support/examples.js";

let records: Map<number, EPrint>;
let ctx: FormatContext;
beforeAll(async () => {
  records = await exampleRecords();
  ctx = await exampleContext();
});

const make = (fields: Record<string, unknown>): EPrint =>
  EPrintSchema.parse({ eprintid: 31, rev_number: 1, eprint_status: "archive", dir: "disk0/00/00/00/31", lastmod: "2024-01-01 00:00:00", ...fields });

describe("Dublin Core (plain text) export", () => {
  it("declares EPrints' plugin id, name, media type and suffix", () => {
    expect(dcFormat).toMatchObject({ id: "DC", label: "Dublin Core", mediaType: "text/plain; charset=utf-8", extension: ".txt", visibility: "all" });
  });
  it.each(EXAMPLE_IDS)("record %i equals EPrints' single export byte for byte", (id) => {
    expect(dcFormat.serialize(records.get(id)!, ctx)).toBe(fixture(`DC/single/${id}.txt`));
  });
  it.each(LIST_EXAMPLE_IDS)("record %i as a one-record list is the single export (no list head or tail)", (id) => {
    expect(dcFormat.list).toBeUndefined();
    expect(dcFormat.serialize(records.get(id)!, ctx)).toBe(fixture(`DC/list/${id}.txt`));
  });

  it("maps a record in EPrints' element order", () => {
    const r = make({
      type: "book", title: "Book\ttitle", creators: [{ name: { family: "Doe", given: "Jo" }, id: "jo@example.org" }],
      subjects: ["QA76", "no_such_subject", "HV"], divisions: ["kent_cs"], abstract: "Line one.\r\nLine\u0007 two.\u001B",
      publisher: "P", editors: [{ name: { given: "Cher" } }], date: "2019-07-04", refereed: false,
      official_url: "https://example.org/b", id_number: "10.1000/b",
    });
    expect(dublinCore(r, ctx)).toEqual([
      ["relation", "https://kar.kent.ac.uk/id/eprint/31/"],
      ["title", "Book\ttitle"],
      ["creator", "Doe, Jo"],
      ["subject", "QA76 Computer software"],
      ["subject", "HV Social pathology. Social and public welfare"],
      ["description", "Line one.\r\nLine two.\u001B"],
      ["publisher", "P"],
      ["contributor", "Cher"],
      ["date", "2019-07-04"],
      ["type", "Book"],
      ["type", "NonPeerReviewed"],
      ["identifier", citationText(r)],
      ["relation", "https://example.org/b"],
      ["relation", "10.1000/b"],
      ["identifier", "10.1000/b"],
    ]);
    // CR and LF each become a space; the creator's e-mail never appears.
    const text = dcFormat.serialize(r, ctx);
    expect(text).toContain("\ndescription: Line one.  Line two.\u001B\n");
    expect(text).not.toContain("jo@example.org");
    expect(text.endsWith("identifier: 10.1000/b\n\n")).toBe(true);
  });

  it("writes only what is set: relation, the two types and the citation at least", () => {
    const r = make({ type: "dataset", refereed: true });
    expect(dcFormat.serialize(r, ctx)).toBe(
      "relation: https://kar.kent.ac.uk/id/eprint/31/\ntype: Dataset\ntype: PeerReviewed\n" +
        `identifier: ${citationText(r)}\n\n`,
    );
  });
});
