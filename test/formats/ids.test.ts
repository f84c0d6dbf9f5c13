import { beforeAll, describe, expect, it } from "vitest";
import { idsFormat } from "../../src/formats/ids.js";
import type { EPrint } from "../../src/records/schema.js";
import type { FormatContext } from "../../src/formats/types.js";
import { LIST_EXAMPLE_IDS, exampleContext, exampleRecords, fixture } from "../support/examples.js";

let records: Map<number, EPrint>;
let ctx: FormatContext;
beforeAll(async () => {
  records = await exampleRecords();
  ctx = await exampleContext();
});

function list(items: EPrint[]): string {
  const l = idsFormat.list!;
  return l.head(ctx) + items.map((r, i) => l.item(r, ctx, i)).join("") + l.tail(ctx, items.length);
}

describe("Object IDs export (list only)", () => {
  it.each(LIST_EXAMPLE_IDS)("record %i as a one-record list equals EPrints' list export", (id) => {
    expect(list([records.get(id)!])).toBe(fixture(`Ids/list/${id}.txt`));
  });
  it("joins several ids with newlines and ends with one", () => {
    expect(list(LIST_EXAMPLE_IDS.map((id) => records.get(id)!))).toBe("112479\n101\n102\n104\n108\n109\n");
  });
  it("an empty list is a single newline, as EPrints' join-then-newline gives", () => {
    expect(list([])).toBe("\n");
  });
  it("a single record is the one-record list", () => {
    expect(idsFormat.serialize(records.get(101)!, ctx)).toBe(fixture("Ids/list/101.txt"));
  });
  it("declares EPrints' plugin identity", () => {
    expect([idsFormat.id, idsFormat.label, idsFormat.mediaType, idsFormat.extension]).toEqual([
      "Ids", "Object IDs", "text/plain; charset=utf-8", ".txt",
    ]);
  });
});
