import { beforeAll, describe, expect, it } from "vitest";
import { textFormat } from "../../src/formats/text.js";
import { EPrintSchema, type EPrint } from "../../src/records/schema.js";
import type { FormatContext } from "../../src/formats/types.js";
import { EXAMPLE_IDS, LIST_EXAMPLE_IDS, exampleContext, exampleRecords, fixture } from "../support/examples.js";

let records: Map<number, EPrint>;
let ctx: FormatContext;
beforeAll(async () => {
  records = await exampleRecords();
  ctx = await exampleContext();
});

describe("ASCII Citation export", () => {
  it("declares EPrints' plugin id, name, media type and suffix", () => {
    expect(textFormat).toMatchObject({ id: "Text", label: "ASCII Citation", mediaType: "text/plain; charset=utf-8", extension: ".txt", visibility: "all" });
  });
  it.each(EXAMPLE_IDS)("record %i equals EPrints' single export byte for byte", (id) => {
    expect(textFormat.serialize(records.get(id)!, ctx)).toBe(fixture(`Text/single/${id}.txt`));
  });
  it.each(LIST_EXAMPLE_IDS)("record %i as a one-record list is the single export (no list head or tail)", (id) => {
    expect(textFormat.list).toBeUndefined();
    expect(textFormat.serialize(records.get(id)!, ctx)).toBe(fixture(`Text/list/${id}.txt`));
  });
  it("sends no byte-order mark and ends every record with a blank line", () => {
    const r = EPrintSchema.parse({ eprintid: 5, rev_number: 1, eprint_status: "archive", dir: "disk0/00/00/00/05", lastmod: "2024-01-01 00:00:00", type: "video", title: "Clip" });
    expect(textFormat.serialize(r, ctx)).toBe("  UNSPECIFIED   Clip.  [Video]     \n\n");
  });
});
