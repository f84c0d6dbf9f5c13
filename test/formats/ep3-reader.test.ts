/**
 * The EP3 XML reader reads what EPrints writes with a fast path of its own and hands
 * anything else to sax (src/formats/ep3-reader.ts). Whatever the document (EPrints' own
 * exports, generated records, odd but well-formed XML, broken and hostile XML) and however
 * it is cut into chunks, it yields the same records (every node, text, attribute and line)
 * and stops with the same error on the same line as sax reading it alone.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { readEp3Xml } from "../../src/formats/ep3-reader.js";
import { eprintXml, generateRecord, loadTree, XML_FOOTER, XML_HEADER } from "../../bench/generate.js";

async function* chunked(doc: string | Buffer, sizes: number[]): AsyncGenerator<string | Buffer> {
  for (let i = 0, k = 0; i < doc.length; k++) {
    const n = sizes[k % sizes.length]!;
    yield doc.slice(i, i + n);
    i += n;
  }
}

async function read(doc: string | Buffer, sizes: number[], fastPath: boolean): Promise<{ items: string[]; end: string }> {
  const items: string[] = [];
  try {
    for await (const item of readEp3Xml(chunked(doc, sizes), { fastPath })) items.push(JSON.stringify(item));
    return { items, end: "ok" };
  } catch (err) {
    const e = err as { message: string; line?: number };
    return { items, end: `${e.message} (line ${e.line})` };
  }
}

/** Whole, a byte (or character) at a time, and in uneven pieces. */
const CUTS = [[1 << 20], [1], [7], [64, 1000, 3, 4096]];

async function expectSameAsSax(doc: string | Buffer, cuts = CUTS): Promise<void> {
  for (const sizes of cuts) {
    const reference = await read(doc, sizes, false);
    const fast = await read(doc, sizes, true);
    expect(fast, `cut into ${sizes.join(", ")}: ${JSON.stringify(doc.toString().slice(0, 300))}`).toEqual(reference);
  }
}

const FIXTURES = path.resolve("test/fixtures/eprints");
const fixtures = (readdirSync(FIXTURES, { recursive: true }) as string[]).filter((f) => f.endsWith(".xml")).sort();

describe("the EP3 XML reader", () => {
  it("reads EPrints' own exports as sax does", async () => {
    expect(fixtures.length).toBeGreaterThan(10);
    for (const f of fixtures) await expectSameAsSax(readFileSync(path.join(FIXTURES, f)), [[1 << 20], [7], [64, 1000, 3, 4096]]);
  });

  it("reads generated records (names in many scripts, entities, long abstracts) as sax does, as bytes cut inside characters too", async () => {
    const tree = loadTree();
    const doc = XML_HEADER + Array.from({ length: 150 }, (_, i) => eprintXml(generateRecord(7, i + 1, tree))).join("") + XML_FOOTER;
    const bytes = Buffer.from(doc);
    await expectSameAsSax(bytes, [[1 << 20], [1], [5, 333, 64 * 1024]]);
    const { items } = await read(bytes, [4096], true);
    expect(items).toHaveLength(150);
  });

  it.each([
    ["a DTD", `<?xml version="1.0"?>\n<!DOCTYPE eprints [<!ENTITY a "x">]>\n<eprints><eprint><type>article</type><title>&a;</title></eprint></eprints>`],
    ["an undeclared entity", `<eprints><eprint><type>article</type><title>&xxe;</title></eprint></eprints>`],
    ["character references XML cannot carry", `<eprints><eprint><title>a&#0;b</title></eprint><eprint><title>&#xD800;&#x1;</title></eprint></eprints>`],
    ["character references in every form", `<eprints><eprint><title>&#65;&#x41;&#0065;&#x0041;&#X41;&LT;&Amp;&;&#;&#x;&#1114112;</title></eprint></eprints>`],
    ["CDATA", `<eprints><eprint><type>article</type><title><![CDATA[a<b&c]]></title></eprint></eprints>`],
    ["comments and processing instructions", `<!-- a -->\n<eprints><eprint><title>a<!-- c -->b<?pi x?>c</title><!-- d --></eprint></eprints><!-- e -->\n`],
    ["a malformed comment", `<eprints><eprint><title>a<!-- c -- d -->b</title></eprint></eprints>`],
    ["XML declarations", `\uFEFF<?xml version='1.0' encoding="utf-8" ??><?xml-stylesheet href="x"?><eprints/>`],
    ["text outside the root", `junk<eprints/>`],
    ["text after the root", `<eprints/>\n trailing`],
    ["a second root", `<eprints></eprints><eprints/>`],
    ["an unclosed document", `<eprints><eprint><title>t`],
    ["a wrong end tag", `<eprints><eprint><title>t</type></eprint></eprints>`],
    ["whitespace inside tags", `<eprints\n>\n<eprint >\n<type\n>article</type\n>\n<title>a\r\nb</title >\n</eprint>\n</eprints >`],
    ["attributes of every kind", `<eprints a="1" b='2'><eprint id="x>y" c="&amp;&lt;" d="x\ny\tz" e = "1"><type>a</type></eprint><eprint f="1" f="2" g="1"h="2"><type>b</type></eprint></eprints>`],
    ["an unquoted attribute", `<eprints><eprint a=1><type>x</type></eprint></eprints>`],
    ["namespaced and non-ASCII names", `<ep:eprints xmlns:ep="u"><ep:eprint><ep:type>x</ep:type><titlé>y</titlé></ep:eprint></ep:eprints>`],
    ["a bare ampersand and an unfinished reference", `<eprints><eprint><type>x & y</type><title>x &amp y</title></eprint></eprints>`],
    ["a record of the wrong kind", `<eprints><subject/></eprints>`],
    ["another root", `<a/>`],
    ["nothing", ``],
    ["nesting past the limit", `<eprints><eprint><title>${"<x>".repeat(70)}${"</x>".repeat(70)}</title></eprint></eprints>`],
    ["too many attributes", `<eprints><eprint ${Array.from({ length: 70 }, (_, i) => `a${i}="v"`).join(" ")}><type>x</type></eprint></eprints>`],
    ["a start tag longer than a chunk", `<eprints><eprint ${"a".repeat(70_000)}="v"><type>x</type></eprint></eprints>`],
  ])("reads %s as sax does", async (_what, doc) => {
    await expectSameAsSax(doc);
  });

  it("reads thousands of damaged documents as sax does", async () => {
    const base = readFileSync(path.join(FIXTURES, fixtures.find((f) => f.startsWith("XML"))!), "utf8").slice(0, 3000);
    const small = `<?xml version="1.0" encoding="utf-8"?>\n<eprints xmlns="http://eprints.org/ep2/data/2.0">\n  <eprint id="x">\n    <type>article</type>\n    <creators><item><name><family>M&#252;ller</family><given>A &amp; B</given></name></item></creators>\n    <title>T &lt; 3 <!-- c --> x</title>\n  </eprint>\n</eprints>\n`;
    const pieces = ["<", ">", "&", ";", "/", "!", "-", "?", '"', "'", "=", " ", "\n", "#", "x", "1", "é", "]", "[", "<![CDATA[", "]]>", "<!--", "-->", "&amp;", "&#", "a", "</", "/>", "<?", "?>", "\r", "\t", "\u0000", ":", "<eprint>", "</eprint>", "<!DOCTYPE x>"];
    let seed = 20261126;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    for (let t = 0; t < 1500; t++) {
      let doc = rand(2) ? small : base;
      for (let e = 1 + rand(4); e > 0; e--) {
        const at = rand(doc.length + 1);
        const piece = pieces[rand(pieces.length)]!;
        const op = rand(3);
        doc = op === 0 ? doc.slice(0, at) + piece + doc.slice(at) : op === 1 ? doc.slice(0, at) + doc.slice(at + 1 + rand(5)) : doc.slice(0, at) + piece + doc.slice(at + piece.length);
      }
      await expectSameAsSax(doc, [CUTS[rand(CUTS.length)]!]);
    }
  });
});
