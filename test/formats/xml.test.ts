import { beforeAll, describe, expect, it } from "vitest";
import { xmlFormat } from "../../src/formats/xml.js";
import type { EPrint } from "../../src/records/schema.js";
import type { FormatContext } from "../../src/formats/types.js";
import { EXAMPLE_IDS, LIST_EXAMPLE_IDS, exampleContext, exampleRecords, fixture } from "../support/examples.js";

let records: Map<number, EPrint>;
let ctx: FormatContext;
beforeAll(async () => {
  records = await exampleRecords();
  ctx = await exampleContext();
});

describe("EP3 XML export", () => {
  it.each(EXAMPLE_IDS)("record %i equals EPrints' single export byte for byte", (id) => {
    expect(xmlFormat.serialize(records.get(id)!, ctx)).toBe(fixture(`XML/single/${id}.xml`));
  });
  it.each(LIST_EXAMPLE_IDS)("record %i as a one-record list equals EPrints' list export", (id) => {
    const l = xmlFormat.list!;
    expect(l.head(ctx) + l.item(records.get(id)!, ctx, 0) + l.tail(ctx, 1)).toBe(fixture(`XML/list/${id}.xml`));
  });
});
