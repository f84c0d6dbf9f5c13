import { beforeAll, describe, expect, it } from "vitest";
import { coinsFormat } from "../../src/formats/coins.js";
import type { EPrint } from "../../src/records/schema.js";
import type { FormatContext } from "../../src/formats/types.js";
import { EXAMPLE_IDS, exampleContext, exampleRecords, fixture } from "../support/examples.js";
import { constructed } from "../support/constructed.js";

let records: Map<number, EPrint>;
let ctx: FormatContext;
beforeAll(async () => {
  records = await exampleRecords();
  ctx = await exampleContext();
});

/**
 * A KEV string split into its `key=value` pairs as sent. The context keys (url_ver, rft_id,
 * rft_val_fmt) keep their order; the `rft.*` pairs come in Perl hash order in EPrints, so
 * they are compared as a sorted multiset.
 */
function kev(s: string): { context: string[]; metadata: string[] } {
  expect(s.startsWith("?")).toBe(true);
  const pairs = s.slice(1).split("&");
  return {
    context: pairs.filter((p) => !p.startsWith("rft.")),
    metadata: pairs.filter((p) => p.startsWith("rft.")).sort(),
  };
}

describe("COinS export", () => {
  it.each(EXAMPLE_IDS)("record %i equals EPrints' export (metadata pairs compared as a set)", (id) => {
    expect(kev(coinsFormat.serialize(records.get(id)!, ctx))).toEqual(kev(fixture(`COinS/single/${id}.txt`)));
  });

  // Vellum's fixed order is the one the examples happen to show; the set comparison above is the contract.
  it.each(EXAMPLE_IDS)("record %i also matches byte for byte in the order Vellum chose", (id) => {
    expect(coinsFormat.serialize(records.get(id)!, ctx)).toBe(fixture(`COinS/single/${id}.txt`));
  });

  it("decodes (URLSearchParams) to the record's values, first author only", () => {
    const q = new URLSearchParams(coinsFormat.serialize(records.get(102)!, ctx));
    expect(q.get("rft_id")).toBe("10.1016/S0140-6736(21)02143-7");
    expect(q.getAll("rft.aulast")).toEqual(["Smith"]);
    expect(q.get("rft.atitle")).toBe("Global, regional, and national burden of social care need, 1990–2020: a systematic analysis");
    expect(q.get("rft.date")).toBe("30 October 2021");
  });

  // The title is rendered first, so its line break is already a space.
  it("escapes as URI::OpenURL does: unreserved marks stay, space is +, the rest is UTF-8 percent-encoded", () => {
    const out = coinsFormat.serialize(constructed({ type: "article", title: "a b!*'()~_.-\"#<>|`^{}[]\\\n€;/?:@&=+$,%" }), ctx);
    expect(out).toContain("&rft.atitle=a+b!*'()~_.-%22%23%3C%3E%7C%60%5E%7B%7D%5B%5D%5C+%E2%82%AC%3B%2F%3F%3A%40%26%3D%2B%24%2C%25&");
  });

  it("describes a thesis as a dissertation and an author without given name with an empty aufirst", () => {
    const out = coinsFormat.serialize(
      constructed({ type: "thesis", title: "T", creators: [{ name: { family: "Solo" } }, { name: { family: "Second", given: "S" } }], institution: "Kent", thesis_type: "masters" }),
      ctx,
    );
    expect(out).toBe(
      "?url_ver=Z39.88-2004&rft_val_fmt=info%3Aofi%2Ffmt%3Akev%3Amtx%3Adissertation&rft.aulast=Solo&rft.au=Solo&rft.aufirst=&rft.title=T&rft.inst=Kent&rft.degree=Masters",
    );
  });

  it("describes other types (patent) in Dublin Core, including the citation", () => {
    const q = new URLSearchParams(coinsFormat.serialize(constructed({ eprintid: 55, type: "patent", title: "Widget", id_number: "GB123" }), ctx));
    expect(q.get("rft_val_fmt")).toBe("info:ofi/fmt:kev:mtx:dc");
    expect(q.get("rft_id")).toBe("GB123");
    expect(q.getAll("rft.relation")).toEqual(["https://kar.kent.ac.uk/id/eprint/55/", "GB123"]);
    expect(q.getAll("rft.type")).toEqual(["Patent", "NonPeerReviewed"]);
    expect(q.getAll("rft.identifier")).toHaveLength(2);
  });
});
