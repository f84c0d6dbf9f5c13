import { beforeAll, describe, expect, it } from "vitest";
import { atomFormat } from "../../src/formats/atom.js";
import type { EPrint } from "../../src/records/schema.js";
import type { FormatContext } from "../../src/formats/types.js";
import { EXAMPLE_IDS, LIST_EXAMPLE_IDS, exampleContext, exampleRecords, fixture } from "../support/examples.js";
import { constructed } from "../support/constructed.js";
import { xmllintErrors } from "../support/xmllint.js";
import { withCreatorIds } from "../support/rapper.js";

let records: Map<number, EPrint>;
let ctx: FormatContext;
let eprintsCtx: FormatContext;
beforeAll(async () => {
  records = await exampleRecords();
  ctx = await exampleContext();
  eprintsCtx = withCreatorIds(ctx);
});

const list = (r: EPrint, c: FormatContext) => atomFormat.list!.head(c) + atomFormat.list!.item(r, c, 0) + atomFormat.list!.tail(c, 1);
/** The context at the moment EPrints wrote `example` (its feed `<updated>`). */
const at = (c: FormatContext, example: string): FormatContext => {
  const updated = /<updated>([^<]+)<\/updated>/.exec(example)![1]!;
  return { ...c, now: () => new Date(updated) };
};

describe("Atom export", () => {
  it("declares EPrints' plugin identity", () => {
    expect(atomFormat).toMatchObject({ id: "Atom", label: "Atom", mediaType: "application/atom+xml;charset=utf-8", extension: ".xml" });
  });

  it.each(EXAMPLE_IDS)("record %i equals EPrints' single export byte for byte", (id) => {
    expect(atomFormat.serialize(records.get(id)!, eprintsCtx)).toBe(fixture(`Atom/single/${id}.xml`));
  });

  it.each(LIST_EXAMPLE_IDS)("record %i as a one-record feed equals EPrints' list export, 'now' aside", (id) => {
    const example = fixture(`Atom/list/${id}.xml`);
    expect(list(records.get(id)!, at(eprintsCtx, example))).toBe(example);
  });

  it("dates the feed with the context's now", () => {
    const feed = list(records.get(101)!, { ...ctx, now: () => new Date("2030-01-02T03:04:05.678Z") });
    expect(feed).toContain("\n<updated>2030-01-02T03:04:05Z</updated>\n");
  });

  it.each(EXAMPLE_IDS)("record %i is well-formed, alone and in a feed", (id) => {
    expect(xmllintErrors(atomFormat.serialize(records.get(id)!, ctx))).toBe("");
    expect(xmllintErrors(list(records.get(id)!, ctx))).toBe("");
  });

  it("leaves authors' e-mail addresses empty unless asked", () => {
    const entry = atomFormat.serialize(records.get(101)!, ctx);
    expect(entry).not.toContain("l.kowalski@example.ac.uk");
    expect(entry.match(/<email\/>/g)).toHaveLength(4);
    expect(entry.replace(/<email>[^<]*<\/email>/g, "<email/>")).toBe(
      atomFormat.serialize(records.get(101)!, eprintsCtx).replace(/<email>[^<]*<\/email>/g, "<email/>"),
    );
  });

  it("a list of several records is one feed with an entry each", () => {
    const l = atomFormat.list!;
    const feed = l.head(ctx) + [101, 108].map((id, i) => l.item(records.get(id)!, ctx, i)).join("") + l.tail(ctx, 2);
    expect(feed.match(/<entry>/g)).toHaveLength(2);
    expect(xmllintErrors(feed)).toBe("");
  });
});

describe("Atom entries the examples do not cover", () => {
  it("a record in review, without a datestamp, title or abstract", () => {
    const r = constructed({ type: "book", eprint_status: "buffer", datestamp: undefined, eprintid: 55, creators: [{ name: { given: "Solo" } }] });
    const entry = atomFormat.serialize(r, ctx);
    expect(entry).toContain("  <published/>\n");
    expect(entry).toContain("    <sword:depositedOn/>\n");
    expect(entry).toContain('<category term="buffer" label="Under Review" scheme="http://eprints.org/ep2/data/2.0/eprint/eprint_status"/>');
    expect(entry).toContain("<sword:stateDescription>This item is in review. It will not appear in the repository until it has been approved by an editor.</sword:stateDescription>");
    expect(entry).toContain('<title type="xhtml">\n\nBook #55\n\n</title>');
    expect(entry).not.toContain("<summary");
    expect(entry).toContain("<name>Solo</name>");
    expect(xmllintErrors(entry)).toBe("");
  });

  it("a record in a user's workarea", () => {
    const entry = atomFormat.serialize(constructed({ type: "article", title: "T", eprint_status: "inbox" }), ctx);
    expect(entry).toContain('label="User Workarea"');
    expect(entry).toContain("<sword:stateDescription>This item is still in the user's work area.</sword:stateDescription>");
  });

  it("renders the abstract as EPrints' paragraphs and line breaks", () => {
    const r = constructed({ type: "article", title: "T", abstract: "  One\r\ntwo  \n\n\n\nThree & <four>\n\n   \n\n" });
    expect(atomFormat.serialize(r, ctx)).toContain(
      '  <summary type="xhtml">\n    <p class="ep_field_para">One<br/>two</p>\n    <p class="ep_field_para">Three &amp; &lt;four&gt;</p>\n  </summary>\n',
    );
    expect(atomFormat.serialize(constructed({ type: "article", title: "T", abstract: " \n\n " }), ctx)).toContain('  <summary type="xhtml"/>\n');
  });

  it("escapes odd characters and replaces those XML forbids", () => {
    const r = constructed({
      type: "article",
      title: 'A "quoted" <title> & more\u0007',
      creators: [{ name: { family: "O'Neil", given: "Ann", honourific: "Dr", lineage: "III" }, id: "a&b@example.org" }],
    });
    const entry = atomFormat.serialize(r, withCreatorIds(ctx));
    expect(entry).toContain('<title type="xhtml">A "quoted" &lt;title&gt; &amp; more\uFFFD</title>');
    expect(entry).toContain("<name>Dr Ann O'Neil III</name>");
    expect(entry).toContain("<email>a&amp;b@example.org</email>");
    expect(xmllintErrors(entry)).toBe("");
  });
});
