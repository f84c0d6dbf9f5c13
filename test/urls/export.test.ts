/**
 * /cgi/export/eprint/N/{Plugin}/{file}: one record in one format, as EPrints serves it.
 * Every registered format is exercised; the bodies are the formats' own (their tests
 * check them against EPrints' output), here what matters is the URL and its headers.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FORMATS, formatById } from "../../src/formats/registry.js";
import { ANONYMOUS } from "../../src/accounts/viewer.js";
import { viewFor } from "../../src/records/policy.js";
import type { EPrint } from "../../src/records/schema.js";
import type { TestApp } from "../support/app.js";
import { fixture } from "../support/examples.js";
import { urlsApp } from "./setup.js";

let t: TestApp;
let records: Map<number, EPrint>;
beforeAll(async () => {
  ({ t, records } = await urlsApp());
});
afterAll(async () => t?.close());

const url = (id: number, plugin: string, file = `kar-eprint-${id}.txt`) => `/cgi/export/eprint/${id}/${plugin}/${file}`;

describe("export URLs", () => {
  it.each(FORMATS.map((f) => [f.id, f.mediaType, f.extension] as const))(
    "%s: 200 with Content-Type exactly %j, ETag and Last-Modified, no BOM, no Content-Disposition",
    async (id, mediaType, ext) => {
      const res = await t.request({ method: "GET", url: url(112479, id, `kar-eprint-112479${ext}`) });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.headers["content-type"]).toBe(mediaType);
      expect(res.headers.etag).toMatch(new RegExp(`^"112479-1-${id}-[A-Za-z0-9_-]+"$`));
      expect(res.headers["last-modified"]).toBe("Fri, 02 Jan 2026 16:47:00 GMT");
      expect(res.headers["content-disposition"]).toBeUndefined();
      expect(res.rawPayload[0]).not.toBe(0xef); // no UTF-8 BOM
      expect(res.body.length).toBeGreaterThan(0);
    },
  );

  it("serves exactly the format module's rendering of the public view of the record", async () => {
    const ctx = await t.services.formatContext();
    const record = viewFor(ANONYMOUS, records.get(108)!);
    for (const f of FORMATS) {
      const res = await t.request({ method: "GET", url: url(108, f.id) });
      expect(res.body, f.id).toBe(f.serialize(record, ctx).replace(/^\uFEFF/, ""));
    }
  });

  it("serves EP3 XML as EPrints does", async () => {
    const res = await t.request({ method: "GET", url: url(101, "XML", "kar-eprint-101.xml") });
    expect(res.body).toBe(fixture("XML/single/101.xml"));
  });

  it("ignores the file name, and accepts EPrints' legacy /cgi/export/N/… form", async () => {
    const a = await t.request({ method: "GET", url: url(101, "XML", "anything-at-all.pdf") });
    const b = await t.request({ method: "GET", url: "/cgi/export/101/XML/x" });
    expect(a.statusCode).toBe(200);
    expect(b.statusCode).toBe(200);
    expect(a.body).toBe(b.body);
  });

  it("answers 404 problem+json for an unknown or wrongly cased plugin, a missing record, a bad id", async () => {
    for (const u of [url(101, "Bibtex"), url(101, "NoSuchPlugin"), url(999999, "XML"), url(0, "XML"), "/cgi/export/eprint/abc/XML/x", url(99999999999, "XML")]) {
      const res = await t.request({ method: "GET", url: u });
      expect(res.statusCode, u).toBe(404);
      expect(res.headers["content-type"]).toMatch(/^application\/problem\+json/);
    }
  });

  it("answers 304 to If-None-Match with the ETag, and to If-Modified-Since not before lastmod", async () => {
    const first = await t.request({ method: "GET", url: url(101, "XML") });
    const tag = first.headers.etag as string;
    const byTag = await t.request({ method: "GET", url: url(101, "XML"), headers: { "if-none-match": tag } });
    expect(byTag.statusCode).toBe(304);
    expect(byTag.body).toBe("");
    expect(byTag.headers.etag).toBe(tag);
    const weakInList = await t.request({ method: "GET", url: url(101, "XML"), headers: { "if-none-match": `"other", W/${tag}` } });
    expect(weakInList.statusCode).toBe(304);
    const otherTag = await t.request({ method: "GET", url: url(101, "XML"), headers: { "if-none-match": '"101-1-XML-stale"' } });
    expect(otherTag.statusCode).toBe(200);
    const lastmod = first.headers["last-modified"] as string;
    const byDate = await t.request({ method: "GET", url: url(101, "XML"), headers: { "if-modified-since": lastmod } });
    expect(byDate.statusCode).toBe(304);
    const earlier = new Date(Date.parse(lastmod) - 1000).toUTCString();
    expect((await t.request({ method: "GET", url: url(101, "XML"), headers: { "if-modified-since": earlier } })).statusCode).toBe(200);
    expect((await t.request({ method: "GET", url: url(101, "XML"), headers: { "if-modified-since": "not a date" } })).statusCode).toBe(200);
    // If-None-Match wins over If-Modified-Since
    const both = await t.request({ method: "GET", url: url(101, "XML"), headers: { "if-none-match": '"nope"', "if-modified-since": lastmod } });
    expect(both.statusCode).toBe(200);
  });

  it("gives each format its own ETag, and a new one when the record changes", async () => {
    const xml = await t.request({ method: "GET", url: url(102, "XML") });
    const json = await t.request({ method: "GET", url: url(102, "JSON") });
    expect(xml.headers.etag).not.toBe(json.headers.etag);
    const api = await t.request({ method: "GET", url: "/api/eprints/102", as: "admin" });
    const patched = await t.request({
      method: "PATCH",
      url: "/api/eprints/102",
      as: "admin",
      payload: { note: "A note added later." },
      headers: { "if-match": api.headers.etag as string, "content-type": "application/merge-patch+json" },
    });
    expect(patched.statusCode, patched.body).toBe(200);
    const after = await t.request({ method: "GET", url: url(102, "XML"), headers: { "if-none-match": xml.headers.etag as string } });
    expect(after.statusCode).toBe(200);
    expect(after.headers.etag).toMatch(/^"102-2-XML-/);
    expect(after.body).toContain("A note added later.");
  });

  it("wraps JSON as JSONP with ?callback= (EPrints' name filtering), as a script", async () => {
    const plain = await t.request({ method: "GET", url: url(101, "JSON", "kar-eprint-101.js") });
    const res = await t.request({ method: "GET", url: `${url(101, "JSON", "kar-eprint-101.js")}?callback=handle.it%3Cscript%3E` });
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe(`handleitscript(${plain.body});\n`);
    expect(res.headers["content-type"]).toBe("application/javascript; charset=utf-8");
    expect(res.headers.etag).not.toBe(plain.headers.etag);
    // other formats ignore it
    const xml = await t.request({ method: "GET", url: `${url(101, "XML")}?callback=f` });
    expect(xml.body.startsWith("<?xml")).toBe(true);
  });

  it("answers HEAD like GET, without a body", async () => {
    const res = await t.request({ method: "HEAD", url: url(101, "XML") });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toBe(formatById("XML")!.mediaType);
    expect(res.body).toBe("");
  });
});
