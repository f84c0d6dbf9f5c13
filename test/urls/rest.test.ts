/** EPrints' legacy read-only REST API (REFERENCE.md §6.3), with its privacy holes closed. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TestApp } from "../support/app.js";
import { fixture } from "../support/examples.js";
import { xmllintErrors } from "../support/xmllint.js";
import { urlsApp } from "./setup.js";

let t: TestApp;
beforeAll(async () => {
  ({ t } = await urlsApp());
});
afterAll(async () => t?.close());

describe("/rest/eprint", () => {
  it("N.xml is the EP3 XML export, as text/xml; charset=UTF-8", async () => {
    const res = await t.request({ method: "GET", url: "/rest/eprint/101.xml" });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toBe("text/xml; charset=UTF-8");
    expect(res.body).toBe(fixture("XML/single/101.xml"));
    expect(res.headers.etag).toMatch(/^"101-1-rest-xml-/);
    const again = await t.request({ method: "GET", url: "/rest/eprint/101.xml", headers: { "if-none-match": res.headers.etag as string } });
    expect(again.statusCode).toBe(304);
  });

  it.each([
    ["title", "Using communities of practice in adult social care to build research capacity and foster best practice: a qualitative evaluation [version 1]"],
    ["eprintid", "112479"],
    ["eprint_status", "archive"],
    ["type", "article"],
    ["ispublished", "submitted"],
    ["datestamp", "2026-01-02 15:30:00"],
    ["note", ""], // unset: empty body
  ])("N/%s.txt is the raw stored value", async (field, value) => {
    const res = await t.request({ method: "GET", url: `/rest/eprint/112479/${field}.txt` });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toBe("text/plain; charset=UTF-8");
    expect(res.body).toBe(value);
  });

  it("writes booleans in their lexical form, TRUE and FALSE", async () => {
    const values = new Set<string>();
    for (const id of [101, 102, 104, 108, 109, 112479]) {
      const res = await t.request({ method: "GET", url: `/rest/eprint/${id}/refereed.txt` });
      expect(res.statusCode).toBe(200);
      values.add(res.body);
    }
    for (const v of values) expect(["TRUE", "FALSE", ""]).toContain(v);
    expect([...values].some((v) => v === "TRUE" || v === "FALSE")).toBe(true);
  });

  it("answers 404 for multiple, compound and unknown fields, and fields without .txt", async () => {
    for (const f of ["creators.txt", "subjects.txt", "gscholar.txt", "nosuchfield.txt", "title", "title.json", "TITLE.txt"]) {
      const res = await t.request({ method: "GET", url: `/rest/eprint/112479/${f}` });
      expect(res.statusCode, f).toBe(404);
      expect(res.headers["content-type"]).toMatch(/^application\/problem\+json/);
    }
  });

  it("lists only the ids the caller may read, two links each, in numeric order", async () => {
    const res = await t.request({ method: "GET", url: "/rest/eprint/" });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toBe("text/html; charset=UTF-8");
    const ids = [...res.body.matchAll(/href='(\d+)\/'/g)].map((m) => Number(m[1]));
    expect(ids).toEqual([101, 102, 104, 108, 109, 112479]);
    expect(res.body).toContain("<li><a href='101.xml'>101.xml</a></li>");
    expect(xmllintErrors(res.body)).toBe(""); // well-formed XHTML
  });

  it("lists a record's .txt fields, never the private ones to the public", async () => {
    const res = await t.request({ method: "GET", url: "/rest/eprint/101/" });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain("href='title.txt'");
    expect(res.body).not.toContain("contact_email");
    const staff = await t.request({ method: "GET", url: "/rest/eprint/101/", as: "editor" });
    expect(staff.body).toContain("href='contact_email.txt'");
  });

  it("redirects as EPrints does", async () => {
    expect((await t.request({ method: "GET", url: "/rest" })).headers.location).toBe("/rest/");
    expect((await t.request({ method: "GET", url: "/rest/eprint" })).headers.location).toBe("/rest/eprint/");
    const n = await t.request({ method: "GET", url: "/rest/eprint/101" });
    expect(n.statusCode).toBe(302);
    expect(n.headers.location).toBe("/rest/eprint/101/");
    expect((await t.request({ method: "GET", url: "/rest/" })).body).toContain("href='eprint/'");
  });

  it("answers 404 for missing records and other names", async () => {
    for (const u of ["/rest/eprint/999999.xml", "/rest/eprint/101.json", "/rest/eprint/abc.xml", "/rest/eprint/999999/title.txt"]) {
      expect((await t.request({ method: "GET", url: u })).statusCode, u).toBe(404);
    }
  });
});
