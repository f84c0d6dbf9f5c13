import { beforeAll, describe, expect, it } from "vitest";
import { validateXML } from "xmllint-wasm";
import { htmlFormat } from "../../src/formats/html.js";
import { EPrintSchema, type EPrint } from "../../src/records/schema.js";
import type { FormatContext } from "../../src/formats/types.js";
import { EXAMPLE_IDS, LIST_EXAMPLE_IDS, exampleContext, exampleRecords, fixture } from "../support/examples.js";

let records: Map<number, EPrint>;
let ctx: FormatContext;
beforeAll(async () => {
  records = await exampleRecords();
  ctx = await exampleContext();
});

describe("HTML Citation export", () => {
  it("declares EPrints' plugin id, name, media type and suffix", () => {
    expect(htmlFormat).toMatchObject({ id: "HTML", label: "HTML Citation", mediaType: "text/html; charset=utf-8", extension: ".html", visibility: "all" });
  });
  it.each(EXAMPLE_IDS)("record %i equals EPrints' single export byte for byte", (id) => {
    expect(htmlFormat.serialize(records.get(id)!, ctx)).toBe(fixture(`HTML/single/${id}.html`));
  });
  it.each(LIST_EXAMPLE_IDS)("record %i as a one-record list is the single export (no list head or tail)", (id) => {
    expect(htmlFormat.list).toBeUndefined();
    expect(htmlFormat.serialize(records.get(id)!, ctx)).toBe(fixture(`HTML/list/${id}.html`));
  });
  it("links the title to the abstract page and escapes markup in values", async () => {
    const r = EPrintSchema.parse({
      eprintid: 77, rev_number: 1, eprint_status: "buffer", dir: "disk0/00/00/00/77", lastmod: "2024-01-01 00:00:00",
      type: "conference_item", creators: [{ name: { family: "O'Neil", given: "Ann & Bo" } }], title: "<i>not markup</i>",
      event_title: "\"Quoted\" > event", date: "2024",
    });
    const html = htmlFormat.serialize(r, ctx);
    expect(html).toBe(
      '<p class="citation">\n\n\n    <span class="person_name">O\'Neil, Ann &amp; Bo</span>\n  \n\n(2024)\n\n' +
        '<a href="https://kar.kent.ac.uk/id/eprint/77/"><em>&lt;i&gt;not markup&lt;/i&gt;.</em></a>\n\n\n' +
        '    In: "Quoted" &gt; event.\n  \n\n\n  \n\n\n</p>',
    );
    const res = await validateXML({ xml: [{ fileName: "citation.html", contents: html }], normalization: "format" });
    expect(res.errors).toEqual([]);
  });
});
