/**
 * The abstract page /id/eprint/N/, checked by parsing: as XML with libxml2's xmllint and
 * sax (it is written as polyglot HTML), as HTML with `xmllint --html`, and by following
 * every link it gives. abstract-page-browser.test.ts renders it in headless Chromium.
 */
import { spawnSync } from "node:child_process";
import sax from "sax";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatById } from "../../src/formats/registry.js";
import { recordFormats } from "../../src/formats/export.js";
import { constructed } from "../support/constructed.js";
import type { TestApp } from "../support/app.js";
import { xmllintErrors } from "../support/xmllint.js";
import { BASE, local, urlsApp } from "./setup.js";

let t: TestApp;
beforeAll(async () => {
  ({ t } = await urlsApp());
  await t.services.eprints.putPreserved(
    constructed({
      eprintid: 9100,
      type: "conference_item",
      pres_type: "poster",
      title: `<script>alert("x")</script> & "Quotes" 'too'`,
      abstract: "First paragraph <b>not bold</b>.\n\nSecond & last.",
      keywords: "a<b, c>d",
      official_url: "https://example.org/?a=1&b=<2>",
      id_number: "https://doi.org/10.1234/ABC<def>",
      creators: [{ name: { family: "O'Brien", given: "<Sean>" }, id: "sean@example.org" }],
      userid: 2,
    }),
    null,
  );
});
afterAll(async () => t?.close());

interface El {
  name: string;
  attrs: Record<string, string>;
  text: string;
  parent?: El;
}

/** Parses the page strictly as XML; returns every element with its text. */
function parseStrict(html: string): El[] {
  const parser = sax.parser(true, { xmlns: false });
  const out: El[] = [];
  const stack: El[] = [];
  parser.onopentag = (n) => {
    const el: El = { name: n.name, attrs: n.attributes as Record<string, string>, text: "", parent: stack[stack.length - 1] };
    out.push(el);
    stack.push(el);
  };
  parser.ontext = (s) => {
    for (const el of stack) el.text += s;
  };
  parser.onclosetag = () => void stack.pop();
  parser.write(html).close();
  return out;
}

/** The messages of `xmllint --html` (it exits 0 even when it complains). */
function htmlParserComplaints(html: string): string[] {
  const out = spawnSync("xmllint", ["--html", "--noout", "--nonet", "-"], { input: html, encoding: "utf8" });
  expect(out.status).toBe(0);
  return [...out.stderr.matchAll(/HTML parser error : (.*)/g)].map((m) => m[1]!.trim());
}

const page = async (id: number) => t.request({ method: "GET", url: `/id/eprint/${id}/` });

describe("the abstract page", () => {
  it("is well-formed, valid enough for libxml2's HTML parser, and HTML", async () => {
    const res = await page(112479);
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(res.body.startsWith("<!DOCTYPE html>\n<html lang=\"en\"")).toBe(true);
    expect(xmllintErrors(res.body)).toBe("");
    // libxml2's HTML parser knows HTML 4 only: its one complaint may be the HTML5 landmarks
    expect(htmlParserComplaints(res.body).filter((m) => !/^Tag (header|main|article|section|nav|footer) invalid$/.test(m))).toEqual([]);
    expect(() => parseStrict(res.body)).not.toThrow();
  });

  it("has the landmarks, headings, language, labels and viewport of an accessible, phone-readable page", async () => {
    const els = parseStrict((await page(112479)).body);
    const by = (name: string) => els.filter((e) => e.name === name);
    expect(by("html")[0]!.attrs.lang).toBe("en");
    expect(by("meta").find((m) => m.attrs.name === "viewport")?.attrs.content).toBe("width=device-width, initial-scale=1");
    expect(by("header")).toHaveLength(1);
    expect(by("main")).toHaveLength(1);
    expect(by("footer")).toHaveLength(1);
    expect(by("nav")).toHaveLength(1);
    expect(by("h1")).toHaveLength(1);
    expect(by("h1")[0]!.text).toBe("Using communities of practice in adult social care to build research capacity and foster best practice: a qualitative evaluation [version 1]");
    // every labelled region points at a heading that exists
    const ids = new Set(els.map((e) => e.attrs.id).filter(Boolean));
    for (const e of els.filter((e) => e.attrs["aria-labelledby"])) expect(ids.has(e.attrs["aria-labelledby"]!)).toBe(true);
    // headings do not skip levels
    const levels = els.filter((e) => /^h[1-6]$/.test(e.name)).map((e) => Number(e.name[1]));
    levels.forEach((l, i) => i > 0 && expect(l - levels[i - 1]!).toBeLessThanOrEqual(1));
    // the skip link reaches main
    expect(by("a")[0]!.attrs.href).toBe(`#${by("main")[0]!.attrs.id}`);
    // table rows are headed
    for (const th of by("th")) expect(th.attrs.scope).toBe("row");
    // responsive CSS inline, no scripts
    expect(by("style")[0]!.text).toMatch(/@media \(max-width/);
    expect(by("script")).toHaveLength(0);
    expect(by("link").filter((l) => l.attrs.rel === "stylesheet")).toHaveLength(0);
  });

  it("shows the citation, abstract and the summary page's metadata", async () => {
    const res = await page(112479);
    const els = parseStrict(res.body);
    const rows = new Map(els.filter((e) => e.name === "tr").map((tr) => {
      const th = els.find((e) => e.name === "th" && e.parent === tr)!;
      const td = els.find((e) => e.name === "td" && e.parent === tr)!;
      return [th.text, td.text.replace(/\s+/g, " ").trim()] as const;
    }));
    expect(rows.get("Item Type:")).toBe("Article");
    expect(rows.get("DOI:")).toBe("10.3310/nihropenres.14134.1");
    expect(res.body).toContain('<a href="https://doi.org/10.3310/nihropenres.14134.1">');
    expect(rows.get("Refereed:")).toBe("No");
    expect(rows.get("Uncontrolled Keywords:")).toMatch(/^Social care, social work/);
    expect(rows.get("Subjects:")).toBe("H Social Sciences > HV Social pathology. Social and public welfare");
    expect(rows.get("Divisions:")).toMatch(/School of Social Sciences > Centre for Health Services Studies$/);
    expect(rows.get("Depositing User:")).toBe("Rosalyn Bass");
    expect(rows.get("Date Deposited:")).toBe("02 Jan 2026 15:30");
    expect(rows.get("Last Modified:")).toBe("02 Jan 2026 16:47");
    expect(rows.get("URI:")).toBe(`${BASE}/id/eprint/112479`);
    const abstract = els.find((e) => e.attrs.id === "abstract-heading")!.parent!;
    expect(abstract.text).toContain("Communities of Practice (COP) are recognised");
    if (formatById("HTML")) {
      const citation = els.find((e) => e.name === "p" && e.attrs.class === "citation")!;
      expect(citation.text.replace(/\s+/g, " ")).toContain("Abrahamson, Vanessa and Hashem, Ferhana");
    }
  });

  it("links every export format visible to all, and every link answers 200 with its media type", async () => {
    const els = parseStrict((await page(112479)).body);
    const nav = els.find((e) => e.name === "nav")!;
    const links = els.filter((e) => e.name === "a" && e.parent?.parent === els.find((x) => x.name === "ul" && x.parent === nav));
    const formats = recordFormats();
    expect(links.map((a) => a.text)).toEqual(formats.map((f) => f.label));
    for (const [i, a] of links.entries()) {
      const f = formats[i]!;
      expect(a.attrs.href).toBe(`${BASE}/cgi/export/eprint/112479/${f.id}/kar-eprint-112479${f.extension}`);
      const res = await t.request({ method: "GET", url: local(a.attrs.href!) });
      expect(res.statusCode, a.attrs.href).toBe(200);
      expect(res.headers["content-type"]).toBe(f.mediaType);
    }
    // and every other link on the page is either an export, the record, the repository or the DOI
    for (const a of els.filter((e) => e.name === "a" && e.attrs.href?.startsWith(BASE))) {
      const res = await t.request({ method: "GET", url: local(a.attrs.href!), headers: { accept: "text/html" } });
      expect([200, 303, 404], a.attrs.href).toContain(res.statusCode); // the front page is not Vellum's
    }
  });

  it("carries the Highwire Press and PRISM tags in its head", async () => {
    const body = (await page(112479)).body;
    if (formatById("HighwirePress")) {
      expect(body).toContain('<meta name="citation_title" content="Using communities of practice in adult social care');
      expect(body.match(/<meta name="citation_author" /g)).toHaveLength(9);
      expect(body).toContain('<meta name="citation_online_date" content="2026/01/02"/>');
    }
    if (formatById("Prism")) expect(body).toContain('<meta name="prism.publicationName" content="NIHR Open Research"/>');
  });

  it("sends signposting Link headers: cite-as and describedby for BibTeX, DC, JSON and XML", async () => {
    const link = (await page(112479)).headers.link as string;
    expect(link.split(", ")[0]).toBe(`<${BASE}/id/eprint/112479>; rel="cite-as"`);
    for (const [id, file] of [["BibTeX", "bib"], ["DC", "txt"], ["JSON", "js"], ["XML", "xml"]]) {
      const f = formatById(id!);
      if (!f) continue;
      expect(link).toContain(`<${BASE}/cgi/export/eprint/112479/${id}/kar-eprint-112479.${file}>; rel="describedby"; type="${f.mediaType}"`);
    }
  });

  it("escapes everything it shows", async () => {
    const res = await page(9100);
    expect(res.statusCode).toBe(200);
    expect(xmllintErrors(res.body)).toBe("");
    expect(res.body).not.toContain("<script>");
    expect(res.body).not.toContain("<b>not bold</b>");
    expect(res.body).not.toContain("<Sean>");
    expect(res.body).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &quot;Quotes&quot; &#39;too&#39;");
    expect(res.body).toContain('href="https://example.org/?a=1&amp;b=&lt;2&gt;"');
    expect(res.body).not.toContain("sean@example.org");
    const els = parseStrict(res.body);
    expect(els.find((e) => e.name === "h1")!.text).toBe(`<script>alert("x")</script> & "Quotes" 'too'`);
    expect(els.filter((e) => e.name === "p" && e.parent?.attrs.id === undefined && e.text.startsWith("Second"))).toHaveLength(1);
    const rows = els.filter((e) => e.name === "td").map((e) => e.text);
    expect(rows).toContain("Conference or Workshop Item (Poster)");
    expect(rows).toContain("10.1234/ABC<def>");
  });

  it("answers 304 when unchanged, and redirects leading zeros", async () => {
    const first = await page(101);
    const again = await t.request({ method: "GET", url: "/id/eprint/101/", headers: { "if-none-match": first.headers.etag as string } });
    expect(again.statusCode).toBe(304);
    const zeros = await t.request({ method: "GET", url: "/id/eprint/0101/" });
    expect(zeros.statusCode).toBe(301);
    expect(zeros.headers.location).toBe("/id/eprint/101/");
  });
});
