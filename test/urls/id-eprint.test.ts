/** /id/eprint/N: the object URI, negotiated over the registry (REFERENCE.md §6.1). */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatById, FORMATS } from "../../src/formats/registry.js";
import type { TestApp } from "../support/app.js";
import { urlsApp } from "./setup.js";

let t: TestApp;
beforeAll(async () => {
  ({ t } = await urlsApp());
});
afterAll(async () => t?.close());

const get = (accept?: string, url = "/id/eprint/112479") => t.request({ method: "GET", url, headers: accept === undefined ? {} : { accept } });

describe("/id/eprint/N", () => {
  it.each([[undefined], ["*/*"], ["text/html"], ["text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"], ["text/*"]])(
    "Accept %j: 303 See Other to the abstract page",
    async (accept) => {
      const res = await get(accept);
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toBe("/id/eprint/112479/");
      expect(res.headers.vary).toMatch(/Accept/);
    },
  );

  it("keeps the query string on the redirect", async () => {
    const res = await get("text/html", "/id/eprint/112479?utm=x&y=1");
    expect(res.headers.location).toBe("/id/eprint/112479/?utm=x&y=1");
  });

  it("redirects leading zeros to the canonical id", async () => {
    const res = await get("application/json", "/id/eprint/000101");
    expect(res.statusCode).toBe(301);
    expect(res.headers.location).toBe("/id/eprint/101");
  });

  const matrix: [string, string][] = [
    ["application/json", "JSON"],
    ["application/vnd.eprints.data+xml", "XML"],
    ["text/xml", "XML"],
    ["application/xml", "XML"],
    ["text/csv", "CSV"],
    ["application/x-bibtex", "BibTeX"],
    ["text/bibtex", "BibTeX"],
    ["application/x-research-info-systems", "RIS"],
    ["application/rdf+xml", "RDFXML"],
    ["text/n3", "RDFN3"],
    ["text/plain", "BibTeX"],
    ["application/json;q=0.4, text/csv;q=0.6", "CSV"],
    ["text/html;q=0.1, application/json", "JSON"],
    ["application/json, text/plain, */*", "JSON"],
  ];
  it.each(matrix.filter(([, id]) => formatById(id)))("Accept %j → the %s export, with its Content-Type exactly", async (accept, id) => {
    const res = await get(accept);
    const f = formatById(id)!;
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers["content-type"]).toBe(f.mediaType);
    expect(res.headers.etag).toMatch(new RegExp(`^"112479-1-${id}-`));
    expect(res.headers["last-modified"]).toBe("Fri, 02 Jan 2026 16:47:00 GMT");
    expect(res.headers.vary).toBe("Accept, Authorization");
    const same = await t.request({ method: "GET", url: `/cgi/export/eprint/112479/${id}/x` });
    expect(res.body).toBe(same.body);
  });

  it.each(FORMATS.map((f) => [f.id]))("application/x-eprints-export-%s reaches that format", async (id) => {
    const res = await get(`application/x-eprints-export-${id.toLowerCase()}`);
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toBe(formatById(id)!.mediaType);
  });

  it("answers 406 problem+json listing the available types when nothing matches", async () => {
    const res = await get("image/png, application/pdf;q=0.5");
    expect(res.statusCode).toBe(406);
    expect(res.headers["content-type"]).toMatch(/^application\/problem\+json/);
    const body = res.json();
    expect(body.available).toEqual(expect.arrayContaining(["text/html", "application/x-eprints-export-xml"]));
    for (const f of FORMATS) expect(body.available).toContain(`application/x-eprints-export-${f.id.toLowerCase()}`);
  });

  it("answers 304 to a conditional request for the negotiated representation", async () => {
    const first = await get("application/vnd.eprints.data+xml");
    const again = await t.request({
      method: "GET",
      url: "/id/eprint/112479",
      headers: { accept: "application/vnd.eprints.data+xml", "if-none-match": first.headers.etag as string },
    });
    expect(again.statusCode).toBe(304);
    // the same tag does not validate another representation
    const other = await t.request({
      method: "GET",
      url: "/id/eprint/112479",
      headers: { accept: "application/json", "if-none-match": first.headers.etag as string },
    });
    expect(other.statusCode).toBe(200);
  });

  it("answers 404 for missing and malformed ids, whatever the Accept", async () => {
    for (const u of ["/id/eprint/424242", "/id/eprint/abc", "/id/eprint/0", "/id/eprint/1.5"]) {
      expect((await get("application/json", u)).statusCode, u).toBe(404);
      expect((await get(undefined, u)).statusCode, u).toBe(404);
    }
  });
});
