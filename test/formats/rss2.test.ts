import { beforeAll, describe, expect, it } from "vitest";
import { rss2Format } from "../../src/formats/rss2.js";
import type { EPrint } from "../../src/records/schema.js";
import type { FormatContext } from "../../src/formats/types.js";
import { LIST_EXAMPLE_IDS, exampleContext, exampleRecords, fixture } from "../support/examples.js";
import { constructed } from "../support/constructed.js";
import { xmllintErrors } from "../support/xmllint.js";

let records: Map<number, EPrint>;
let ctx: FormatContext;
beforeAll(async () => {
  records = await exampleRecords();
  ctx = await exampleContext();
});

const list = (r: EPrint, c: FormatContext) => rss2Format.list!.head(c) + rss2Format.list!.item(r, c, 0) + rss2Format.list!.tail(c, 1);
/** The context at the moment EPrints wrote `example` (its channel pubDate). */
const at = (c: FormatContext, example: string): FormatContext => {
  const pubDate = /<pubDate>([^<]+)<\/pubDate>/.exec(example)![1]!;
  return { ...c, now: () => new Date(pubDate) };
};

describe("RSS 2.0 export", () => {
  it("declares EPrints' plugin identity", () => {
    expect(rss2Format).toMatchObject({ id: "RSS2", label: "RSS 2.0", mediaType: "application/rss+xml; charset=utf-8", extension: ".xml" });
  });

  // EPrints' RSS2 takes lists only, so only list examples exist.
  it.each(LIST_EXAMPLE_IDS)("record %i as a one-item feed equals EPrints' list export, 'now' aside", (id) => {
    const example = fixture(`RSS2/list/${id}.xml`);
    expect(list(records.get(id)!, at(ctx, example))).toBe(example);
  });

  it.each(LIST_EXAMPLE_IDS)("record %i is well-formed", (id) => {
    expect(xmllintErrors(list(records.get(id)!, ctx))).toBe("");
  });

  it("dates the channel with the context's now, in RFC 822 form", () => {
    const feed = list(records.get(101)!, { ...ctx, now: () => new Date("2030-03-09T07:08:09.5Z") });
    expect(feed).toContain("\n    <pubDate>Sat, 09 Mar 2030 07:08:09 +0000</pubDate>\n    <lastBuildDate>Sat, 09 Mar 2030 07:08:09 +0000</lastBuildDate>");
  });

  it("a one-record export is the one-item feed", () => {
    expect(rss2Format.serialize(records.get(109)!, ctx)).toBe(list(records.get(109)!, ctx));
  });

  it("a feed of several records has an item each", () => {
    const l = rss2Format.list!;
    const feed = l.head(ctx) + LIST_EXAMPLE_IDS.map((id, i) => l.item(records.get(id)!, ctx, i)).join("") + l.tail(ctx, LIST_EXAMPLE_IDS.length);
    expect(feed.match(/<item>/g)).toHaveLength(LIST_EXAMPLE_IDS.length);
    expect(xmllintErrors(feed)).toBe("");
  });
});

describe("RSS 2.0 items the examples do not cover", () => {
  it("no pubDate without a full datestamp; a title from type and id when there is none", () => {
    const r = constructed({ type: "conference_item", datestamp: undefined, eprintid: 42 });
    const feed = list(r, ctx);
    expect(feed).toContain("\n<item>\n  <title> Conference or Workshop Item #42 </title>\n  <link>https://kar.kent.ac.uk/id/eprint/42/</link>");
    expect(feed.match(/<pubDate>/g)).toHaveLength(1);
    expect(list(constructed({ type: "article", title: "T", datestamp: "2003-04-16" }), ctx).match(/<pubDate>/g)).toHaveLength(1);
    expect(xmllintErrors(feed)).toBe("");
  });

  it("collapses white space in the title and escapes markup", () => {
    const r = constructed({ type: "article", title: "Line one\n  line two & <three>", creators: [{ name: { family: "Ng", given: "Al" } }], date: "2020" });
    const feed = list(r, ctx);
    expect(feed).toContain("<title> Line one line two &amp; &lt;three&gt; </title>");
    expect(feed).toMatch(/<description>\s+Ng, Al\s+\(2020\) Line one line two &amp; &lt;three&gt;\./);
    expect(xmllintErrors(feed)).toBe("");
  });
});
