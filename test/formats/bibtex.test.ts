import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parse as parseBib } from "@retorquere/bibtex-parser";
import { parseStringPromise } from "xml2js";
import { bibtexFormat, bibtexName, fixSpecialChars } from "../../src/formats/bibtex.js";
import { CHAR_MAP, encodeBibtex, encodeBibtexUrl } from "../../src/formats/tex-encode.js";
import { EPrintSchema, type EPrint, type Name } from "../../src/records/schema.js";
import type { FormatContext } from "../../src/formats/types.js";
import { EXAMPLE_IDS, LIST_EXAMPLE_IDS, exampleContext, exampleRecords, fixture } from "../support/examples.js";

let records: Map<number, EPrint>;
let ctx: FormatContext;
beforeAll(async () => {
  records = await exampleRecords();
  ctx = await exampleContext();
});

const BIBTEX_GROUP = new Set([
  "address", "booktitle", "doi", "editor", "institution", "journal", "month", "note", "number",
  "organization", "pages", "publisher", "school", "series", "title", "type", "volume", "year",
]);
/** Vellum's documented order: the bibtex group alphabetically, then these in this order. */
const ADDITIONAL_ORDER = ["author", "abstract", "url", "keywords", "issn", "isbn"];

interface Parsed {
  head: string;
  lines: string[];
  names: string[];
}

/** Split one entry into its `@type{key,` head and its field lines (values may span lines). */
function splitEntry(text: string): Parsed {
  const m = /^(@[a-z]+\{[^,\n]+,)\n([\s\S]*)\n\}\n\n$/.exec(text);
  if (!m) throw new Error(`not one EPrints BibTeX entry:\n${text}`);
  const lines = m[2]!.split(/,\n(?= {0,15}[a-z]+ = \{)/);
  const names = lines.map((l) => {
    // sprintf("%16s = {%s}"): the name right-aligned in 16 columns, then " = {", value, "}".
    expect(l.slice(16, 20)).toBe(" = {");
    expect(l.endsWith("}")).toBe(true);
    return l.slice(0, 16).trimStart();
  });
  return { head: m[1]!, lines, names };
}

function expectGroupsInOrder(names: string[]) {
  const firstAdditional = names.findIndex((n) => !BIBTEX_GROUP.has(n));
  const lastBibtex = names.findLastIndex((n) => BIBTEX_GROUP.has(n));
  if (firstAdditional >= 0) expect(lastBibtex).toBeLessThan(firstAdditional);
}

/**
 * EPrints' field order inside each group is Perl hash order, so compare the head and the set
 * of field lines byte for byte, check the group rule on both sides, and check that Vellum's
 * own order is the documented one.
 */
function expectSameEntry(ours: string, theirs: string) {
  const a = splitEntry(ours);
  const b = splitEntry(theirs);
  expect(a.head).toBe(b.head);
  expect([...a.lines].sort()).toEqual([...b.lines].sort());
  expectGroupsInOrder(a.names);
  expectGroupsInOrder(b.names);
  const bibtexPart = a.names.filter((n) => BIBTEX_GROUP.has(n));
  expect(bibtexPart).toEqual([...bibtexPart].sort());
  const additionalPart = a.names.filter((n) => !BIBTEX_GROUP.has(n));
  expect(additionalPart).toEqual(ADDITIONAL_ORDER.filter((n) => additionalPart.includes(n)));
  // Put into EPrints' order, ours is the example byte for byte.
  const byName = new Map(a.names.map((n, i) => [n, a.lines[i]!]));
  expect(`${a.head}\n${b.names.map((n) => byName.get(n)).join(",\n")}\n}\n\n`).toBe(theirs);
}

describe("BibTeX export: the EPrints examples", () => {
  it("declares the EPrints plugin's identity", () => {
    expect(bibtexFormat).toMatchObject({
      id: "BibTeX",
      label: "BibTeX",
      mediaType: "text/plain; charset=utf-8",
      extension: ".bib",
      visibility: "all",
    });
    expect(bibtexFormat.aliases).toContain("application/x-bibtex");
    expect(bibtexFormat.list).toBeUndefined();
  });
  it.each(EXAMPLE_IDS)("record %i equals EPrints' single export, field by field", (id) => {
    expectSameEntry(bibtexFormat.serialize(records.get(id)!, ctx), fixture(`BibTeX/single/${id}.bib`));
  });
  it.each(LIST_EXAMPLE_IDS)("record %i as a one-record list equals EPrints' list export", (id) => {
    // No list hooks: a list is the concatenation of single entries, which is what EPrints sends.
    expectSameEntry(bibtexFormat.serialize(records.get(id)!, ctx), fixture(`BibTeX/list/${id}.bib`));
  });
  it("is stable: the same record gives the same bytes", () => {
    const r = records.get(101)!;
    expect(bibtexFormat.serialize(r, ctx)).toBe(bibtexFormat.serialize(structuredClone(r), ctx));
  });
});

let nextId = 1000;
function record(fields: Record<string, unknown>): EPrint {
  return EPrintSchema.parse({
    eprintid: nextId++,
    rev_number: 1,
    eprint_status: "archive",
    dir: "disk0/00/00/10/00",
    lastmod: "2024-01-01 00:00:00",
    type: "article",
    ...fields,
  });
}

/** The entry type and the fields of one Vellum entry as name → raw value; checks the key. */
function fields(r: EPrint): { type: string; f: Map<string, string> } {
  const { head, lines, names } = splitEntry(bibtexFormat.serialize(r, ctx));
  const m = /^@([a-z]+)\{(.*),$/.exec(head)!;
  expect(m[2]).toBe(`kar${r.eprintid}`);
  return { type: m[1]!, f: new Map(names.map((n, i) => [n, lines[i]!.slice(20, -1)])) };
}

describe("BibTeX export: entry types and field rules", () => {
  it("monograph manual and documentation: @manual, organization, number from id_number, type label", () => {
    for (const monograph_type of ["manual", "documentation"]) {
      const { type, f } = fields(
        record({ type: "monograph", monograph_type, institution: "ACME Ltd", id_number: "10.1234/x", number: "7" }),
      );
      expect(type).toBe("manual");
      expect(f.get("organization")).toBe("ACME Ltd");
      expect(f.has("institution")).toBe(false);
      expect(f.get("number")).toBe("10.1234/x");
      expect(f.has("doi")).toBe(false);
      expect(f.get("type")).toBe(monograph_type === "manual" ? "Manual" : "Documentation");
    }
  });
  it("other monographs: @techreport with institution; no type field without monograph_type", () => {
    const a = fields(record({ type: "monograph", monograph_type: "working_paper", institution: "Kent", id_number: "WP-12" }));
    expect(a.type).toBe("techreport");
    expect(a.f.get("institution")).toBe("Kent");
    expect(a.f.get("type")).toBe("Working Paper");
    expect(a.f.get("number")).toBe("WP-12");
    const b = fields(record({ type: "monograph", institution: "Kent" }));
    expect(b.type).toBe("techreport");
    expect(b.f.has("type")).toBe(false);
  });
  it("thesis: @mastersthesis for masters, @phdthesis otherwise, institution as school", () => {
    const m = fields(record({ type: "thesis", thesis_type: "masters", institution: "University of Kent" }));
    expect(m.type).toBe("mastersthesis");
    expect(m.f.get("school")).toBe("University of Kent");
    expect(m.f.has("institution")).toBe(false);
    expect(fields(record({ type: "thesis", thesis_type: "doctoral" })).type).toBe("phdthesis");
    expect(fields(record({ type: "thesis", thesis_type: "diploma" })).type).toBe("phdthesis");
    expect(fields(record({ type: "thesis" })).type).toBe("phdthesis");
  });
  it("book, book section, conference item; misc for every other type", () => {
    expect(fields(record({ type: "book" })).type).toBe("book");
    expect(fields(record({ type: "book_section" })).type).toBe("incollection");
    expect(fields(record({ type: "conference_item" })).type).toBe("inproceedings");
    for (const type of ["patent", "dataset", "image", "teaching_resource", "other"]) {
      expect(fields(record({ type })).type).toBe("misc");
    }
  });
  it("unpublished overrides every type and puts the status label in the note", () => {
    for (const type of ["article", "book", "thesis", "other"]) {
      const { type: t, f } = fields(record({ type, ispublished: "unpub" }));
      expect(t).toBe("unpublished");
      expect(f.get("note")).toBe("Unpublished");
    }
    // EPrints decides `institution` on the record's type and `organization` on the entry type.
    const manual = fields(record({ type: "monograph", monograph_type: "manual", ispublished: "unpub", institution: "ACME" }));
    expect(manual.type).toBe("unpublished");
    expect(manual.f.get("institution")).toBe("ACME");
    expect(manual.f.has("organization")).toBe(false);
    expect(manual.f.get("type")).toBe("Manual");
  });
  it("note: status label, then a blank line, then the note; no label when published", () => {
    expect(fields(record({ ispublished: "inpress", note: "Accepted 2024." })).f.get("note")).toBe(
      "In Press\n\nAccepted 2024.",
    );
    expect(fields(record({ ispublished: "pub", note: "Only this." })).f.get("note")).toBe("Only this.");
    expect(fields(record({ ispublished: "pub" })).f.has("note")).toBe(false);
  });
  it("booktitle: book_title wins over event_title; address from place_of_pub", () => {
    const { f } = fields(record({ type: "book_section", event_title: "Event", book_title: "Book", place_of_pub: "Canterbury" }));
    expect(f.get("booktitle")).toBe("Book");
    expect(f.get("address")).toBe("Canterbury");
    expect(fields(record({ type: "conference_item", event_title: "Event" })).f.get("booktitle")).toBe("Event");
  });
  it("doi only when id_number contains `doi` or `10.`, written as stored", () => {
    expect(fields(record({ id_number: "doi:10.1000/182" })).f.get("doi")).toBe("doi:10.1000/182");
    expect(fields(record({ id_number: "https://doi.org/10.1000/182" })).f.get("doi")).toBe("https://doi.org/10.1000/182");
    expect(fields(record({ id_number: "DOI:abc" })).f.has("doi")).toBe(false);
    expect(fields(record({ id_number: "PMID:12345" })).f.has("doi")).toBe(false);
    expect(fields(record({ id_number: "PMID:12345" })).f.has("number")).toBe(false);
  });
  it("dates, pages and the url default", () => {
    const r = record({ date: "2024", pagerange: "1-2-3", volume: "0" });
    const { f } = fields(r);
    expect(f.get("year")).toBe("2024");
    expect(f.has("month")).toBe(false);
    expect(f.get("pages")).toBe("1--2-3");
    expect(f.get("volume")).toBe("0");
    expect(f.get("url")).toBe(`https://kar.kent.ac.uk/id/eprint/${r.eprintid}/`);
    expect(fields(record({ date: "2024-02-29" })).f.get("month")).toBe("February");
  });
  it("a record with no title, creators or date still makes a valid entry", () => {
    const r = record({ type: "other" });
    expect(bibtexFormat.serialize(r, ctx)).toBe(
      `@misc{kar${r.eprintid},\n             url = {https://kar.kent.ac.uk/id/eprint/${r.eprintid}/}\n}\n\n`,
    );
  });
});

describe("BibTeX export: names", () => {
  const n = (name: Name) => bibtexName(name);
  it("writes Family, Given with {} for an empty or missing part", () => {
    expect(n({ family: "Anonymous" })).toBe("Anonymous, {}");
    expect(n({ family: "Anonymous", given: " " })).toBe("Anonymous, {}");
    expect(n({ given: "Cher" })).toBe("{}, Cher");
    expect(n({ family: "Curie", given: "Marie", honourific: "Dr" })).toBe("Curie, Dr Marie");
  });
  it("splits a lineage written inside the family name", () => {
    expect(n({ family: "King Jr.", given: "Martin Luther" })).toBe("King, Jr., Martin Luther");
    expect(n({ family: "Smith, Jr", given: "John" })).toBe("Smith, Jr, John");
    expect(n({ family: "Gates III", given: "William" })).toBe("Gates, III, William");
    expect(n({ family: "Davis Senior", given: "Sam" })).toBe("Davis, Senior, Sam");
    expect(n({ family: "Sr", given: "Solo" })).toBe("Sr, Solo");
    expect(n({ family: "Vivier", given: "Le" })).toBe("Vivier, Le");
  });
  it("appends a lineage field (with EPrints' double space when the family holds none)", () => {
    expect(n({ family: "King", given: "Martin", lineage: "Jr" })).toBe("King,  Jr, Martin");
    expect(n({ family: "King Jr.", given: "Martin", lineage: "III" })).toBe("King, Jr. III, Martin");
  });
  it("braces commas and a lone `and` so they cannot split the name list", () => {
    expect(n({ family: "Johnson and Johnson", given: "Jo" })).toBe("Johnson {and} Johnson, Jo");
    expect(n({ family: "Anand", given: "Sandra and Bo" })).toBe("Anand, Sandra {and} Bo");
    expect(n({ family: "Müllerand", given: "Andéand" })).toBe("Müllerand, Andéand");
    expect(n({ family: "Doe", given: "Jane, Q." })).toBe("Doe, Jane{,} Q.");
  });
  it("matches EPrints' Perl on harder cases (expected values produced by make_bibtex_string itself)", () => {
    expect(n({ family: "Malcolm X", given: "A" })).toBe("Malcolm, X, A");
    expect(n({ family: "Louis XIV, Jr.", given: "B" })).toBe("Louis, XIV, Jr., B");
    expect(n({ family: "O'Neil Junior II", given: "C.D.E" })).toBe("O'Neil, Junior II, C. D. E");
    expect(n({ family: "van der Berg, Sr.", given: "Pieter", honourific: "Prof, Dr", lineage: "and Sons" })).toBe(
      "van der Berg, Sr. {and} Sons, Prof{,} Dr Pieter",
    );
    expect(n({ family: ",Lead,,comma", given: ",a,,b," })).toBe(",Lead{,},comma, ,a{,},b{,}");
    expect(n({ family: " ", given: "z" })).toBe("{}, z");
  });
  it("spaces run-together initials: J.A. becomes J. A.", () => {
    expect(n({ family: "Smith", given: "J.A." })).toBe("Smith, J. A.");
    expect(n({ family: "Smith", given: "J.-P." })).toBe("Smith, J.-P.");
  });
  it("keeps the protecting braces through escaping in the author field, and not elsewhere", () => {
    const r = record({
      creators: [{ name: { family: "Johnson and Johnson", given: "A, B" } }, { name: { family: "Solo" } }],
      editors: [
        { name: { family: "Strange", given: "Stephen", honourific: "Dr", lineage: "Jr" } },
        { name: { family: "Plato" } },
        { name: { given: "Cher" } },
        { name: { family: "Hand", honourific: "Ms" } },
      ],
      title: "{braces}",
    });
    const { f } = fields(r);
    expect(f.get("author")).toBe("Johnson {and} Johnson, A{,} B and Solo, {}");
    // Editors are "Given Family" without protection, as EPrints writes them.
    expect(f.get("editor")).toBe("Dr Stephen Strange Jr and Plato and Cher and Ms  Hand");
    expect(f.get("title")).toBe("\\{braces\\}");
  });
});

describe("BibTeX escaping", () => {
  it("flattens EPrints' special characters before encoding", () => {
    expect(fixSpecialChars("®¡¢¥ª°²³µ·¹¼½¾¿÷")).toBe("(R)!cYao23u.11/41/23/4?/");
    expect(fixSpecialChars("a\u2010b\u2013c\u2014d\u2015e ‘x’ ‚y “z” „w™")).toBe("a-b-c-d--e 'x' 'y \"z\" \"wTM");
  });
  it("escapes BibTeX specials", () => {
    expect(encodeBibtex("#$%&_{}\\^~")).toBe(
      "\\#\\$\\%\\&\\_\\{\\}{$\\backslash$}{\\^{ }}{\\texttt{\\char126}}",
    );
  });
  it("maps accented Latin letters through their combining marks", () => {
    expect(encodeBibtex("é è ê ë ñ ç ů ő ž ą ā ż ḏ ạ ḥ İ")).toBe(
      "{\\'e} {\\`e} {\\^e} {\\\"e} {\\~n} {\\c c} {\\r u} {\\H o} {\\v z} {\\k a} {\\=a} {\\.z} {\\b d} {\\d a} {\\d h} {\\.I}",
    );
    expect(encodeBibtex("Dvořák")).toBe("Dvo{\\v r}{\\'a}k");
  });
  it("maps special letters, Greek symbols and maths", () => {
    expect(encodeBibtex("ß Æ ø Å å ı Ł đ Œ Ǿ £ §")).toBe(
      "{\\ss} {\\AE} {\\o} {\\AA} {\\aa} {\\i} {\\L} {\\dj} {\\OE} {\\'{\\O}} {\\pounds} {\\S}",
    );
    expect(encodeBibtex("α-helix, TGF-β, Δ")).toBe(
      "{\\ensuremath{\\alpha}}-helix, TGF-{\\ensuremath{\\beta}}, {\\ensuremath{\\Delta}}",
    );
    expect(encodeBibtex("x ≤ y ± 1 → ∞, H₂O, x⁴")).toBe(
      "x {$\\leq$} y {$\\pm$} 1 {$\\rightarrow$} {$\\infty$}, H{$_2$}O, x{$^4$}",
    );
    expect(encodeBibtex("a < b > c | d")).toBe("a {\\ensuremath{<}} b {\\ensuremath{>}} c {\\ensuremath{|}} d");
  });
  it("braces a square bracket only where it starts a scan step, as TeX::Encode does", () => {
    expect(encodeBibtex("a [version 1]")).toBe("a [version 1]");
    expect(encodeBibtex("[version 1]")).toBe("{{[}}version 1]");
    expect(encodeBibtex("&[x]")).toBe("\\&{{[}}x]");
    expect(encodeBibtex("a![b] a?[b]")).toBe("a![b] a?{{[}}b]");
  });
  it("writes raw UTF-8 where EPrints writes `?`", () => {
    for (const s of ["中文", "日本語", "한국어", "😀🚀", "Ω", "ά", "ả", "ầ", "ơ", "ư", "Ș", "Ħ", "Достоевский", "«»", "…", "€", "\u007f"]) {
      expect(encodeBibtex(s)).toBe(s);
    }
  });
  it("writes Greek text raw and keeps a combining mark on its base letter", () => {
    for (const s of ["Η ελληνική γλώσσα και η ιστορία", "αβ", "και η", "Α β", "α and ω\u0301"]) expect(encodeBibtex(s)).toBe(s);
    expect(encodeBibtex("α\u0301")).toBe("α\u0301");
    expect(encodeBibtex("e\u0301 ø\u0301")).toBe("e\u0301 ø\u0301");
  });
  it("maps every Latin-1 and Latin Extended-A letter but a few written raw by design", () => {
    const raw: string[] = [];
    for (let cp = 0xc0; cp <= 0x17f; cp++) {
      const c = String.fromCodePoint(cp);
      if (/\p{L}/u.test(c) && !CHAR_MAP.has(c)) raw.push(c);
    }
    // Stroke and middle-dot letters, kra, ŉ and long s have no LaTeX accent form.
    expect(raw.join("")).toBe("ĦħĸĿŀŉŦŧſ");
  });
  it("escapes URLs the EPrints way", () => {
    expect(encodeBibtexUrl("https://x.org/a_b%20c{d}\\e")).toBe("https://x.org/a\\%5fb\\%20c\\%7bd\\%7d\\%5ce");
    const r = record({ official_url: "https://x.org/a_b%20c?q=1&r=é" });
    expect(fields(r).f.get("url")).toBe("https://x.org/a\\%5fb\\%20c?q=1&r=é");
  });
});

/** Names and titles EPrints would damage with `?`, and Latin text it maps to TeX accents. */
const ROUND_TRIP: { family: string; given: string; title: string }[] = [
  { family: "王", given: "小明", title: "数字图书馆的元数据：研究与实践" },
  { family: "山田", given: "太郎", title: "日本語のタイトルとカタカナ" },
  { family: "김", given: "민준", title: "한국어 제목" },
  { family: "Παπαδόπουλος", given: "Γιώργος", title: "Η ελληνική γλώσσα και η ιστορία της" },
  { family: "Nguyễn", given: "Thị Minh Khai", title: "Trần Hưng Đạo và lịch sử Việt Nam" },
  { family: "Đặng", given: "Văn Ánh", title: "Tiếng Việt có dấu: ả ẻ ỉ ỏ ủ ỷ ơ ư" },
  { family: "Smith", given: "Ana 😀", title: "Deep learning 🚀 for 🧬 genomics" },
  { family: "Dvořák", given: "Antonín", title: "Łódź, Kraków and Škoda: Ærø, Þórsmörk, Straße, Māori, Győr" },
  { family: "Достоевский", given: "Фёдор", title: "Преступление и наказание" },
  { family: "Ștefănescu", given: "Işıl Ğ.", title: "العربية עברית Ħal Far Ω" },
];

function roundTripBib(): { bib: string; keys: string[] } {
  const rs = ROUND_TRIP.map((t) => record({ title: t.title, creators: [{ name: { family: t.family, given: t.given } }] }));
  return { bib: rs.map((r) => bibtexFormat.serialize(r, ctx)).join(""), keys: rs.map((r) => `kar${r.eprintid}`) };
}

describe("BibTeX export read back by bibtex-parser", () => {
  const opts = { sentenceCase: false, caseProtection: false, english: false } as const;
  it.each(LIST_EXAMPLE_IDS)("parses the export of record %i", (id) => {
    const r = records.get(id)!;
    const lib = parseBib(bibtexFormat.serialize(r, ctx), opts);
    // bibtex-parser does not know \char (EPrints' tilde escape, record 104 only).
    expect(lib.errors.filter((e) => !e.error.includes("\\char"))).toEqual([]);
    expect(lib.entries).toHaveLength(1);
    expect(lib.entries[0]!.key).toBe(`kar${id}`);
    expect(lib.entries[0]!.fields.author).toHaveLength(r.creators!.length);
  });
  it("reads back names and titles in any script", () => {
    const { bib, keys } = roundTripBib();
    const lib = parseBib(bib, opts);
    expect(lib.errors).toEqual([]);
    // bibtex-parser turns TeX accents into base letter + combining mark, so text with accents
    // comes back canonically equal (same NFC); text Vellum wrote raw comes back byte for byte.
    const same = (read: string | undefined, original: string) =>
      expect(encodeBibtex(original) === original ? read : read?.normalize("NFC")).toBe(original);
    ROUND_TRIP.forEach((t, i) => {
      const e = lib.entries.find((x) => x.key === keys[i])!;
      same(e.fields.title, t.title);
      expect(e.fields.author).toHaveLength(1);
      same(e.fields.author![0]!.lastName, t.family);
      same(e.fields.author![0]!.firstName, t.given);
    });
  });
  it("reads back decomposed text and Greek symbols", () => {
    const title = "Cafe\u0301 and α-synuclein with TGF-β";
    const lib = parseBib(bibtexFormat.serialize(record({ title }), ctx), opts);
    expect(lib.entries[0]!.fields.title).toBe(title);
  });
});

const hasBiber = (() => {
  try {
    execFileSync("biber", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();

type XmlNode = { _?: string; $?: Record<string, string>; [k: string]: unknown } | string;

/** Run `biber --tool` on a .bib text and return its biblatexml entries by key. */
async function biberEntries(bib: string): Promise<Map<string, Record<string, unknown>>> {
  const dir = mkdtempSync(path.join(tmpdir(), "vellum-biber-"));
  try {
    writeFileSync(path.join(dir, "in.bib"), bib);
    const log = execFileSync(
      "biber",
      ["--tool", "--output-format=biblatexml", "--output-file=out.bltxml", "in.bib"],
      { cwd: dir, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] },
    );
    expect(log).not.toMatch(/^ERROR/m);
    const xml = await parseStringPromise(readFileSync(path.join(dir, "out.bltxml"), "utf8"));
    const entries = (xml["bltx:entries"]["bltx:entry"] ?? []) as Record<string, unknown>[];
    return new Map(entries.map((e) => [(e.$ as { id: string }).id, e]));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The text of a biblatexml node: nested name parts are joined by spaces, TeX grouping braces dropped. */
function text(node: XmlNode): string {
  if (typeof node === "string") return node.replace(/[{}]/g, "");
  if (node._ !== undefined) return node._.replace(/[{}]/g, "");
  return ((node["bltx:namepart"] ?? []) as XmlNode[]).map(text).join(" ");
}

function biberName(entry: Record<string, unknown>): Record<string, string> {
  const names = (entry["bltx:names"] as Record<string, unknown>[])[0]!;
  const name = (names["bltx:name"] as Record<string, unknown>[])[0]!;
  const parts = name["bltx:namepart"] as (XmlNode & { $: Record<string, string> })[];
  return Object.fromEntries(parts.map((p) => [p.$.type, text(p)]));
}

describe.skipIf(!hasBiber)("BibTeX export read back by biber --tool", () => {
  it("reads every example export without errors", async () => {
    const bib = EXAMPLE_IDS.map((id) => bibtexFormat.serialize(records.get(id)!, ctx)).join("");
    const entries = await biberEntries(bib);
    expect([...entries.keys()].sort()).toEqual(EXAMPLE_IDS.map((id) => `kar${id}`).sort());
    expect(biberName(entries.get("kar101")!)).toEqual({ family: "Müller", given: "Jürgen" });
  });
  it("reads back names and titles in any script exactly", async () => {
    const { bib, keys } = roundTripBib();
    const entries = await biberEntries(bib);
    ROUND_TRIP.forEach((t, i) => {
      const e = entries.get(keys[i]!)!;
      expect(text((e["bltx:title"] as XmlNode[])[0]!)).toBe(t.title);
      expect(biberName(e)).toEqual({ family: t.family, given: t.given });
    });
  });
  it("reads back decomposed text in its composed (NFC) form", async () => {
    const title = "Cafe\u0301 Nguye\u0302\u0303n";
    const r = record({ title });
    const e = (await biberEntries(bibtexFormat.serialize(r, ctx))).get(`kar${r.eprintid}`)!;
    expect(text((e["bltx:title"] as XmlNode[])[0]!)).toBe(title.normalize("NFC"));
  });
});
