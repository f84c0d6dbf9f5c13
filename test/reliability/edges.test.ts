/**
 * The hostile inputs the fuzzer found, pinned down one by one so they stay fixed: text the
 * database cannot store (NUL, unpaired surrogates) in every body and query that reaches it,
 * router failures as problem+json, bare OPTIONS, and merge patches nested too deep.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testApp, type TestApp } from "../support/app.js";
import { problemDefect } from "./probes.js";

let t: TestApp;
let id: number;
beforeAll(async () => {
  t = await testApp({ VELLUM_RATE_LIMIT_ANONYMOUS: "0", VELLUM_RATE_LIMIT_TOKEN: "0" });
  id = (await t.request({ method: "POST", url: "/api/eprints", as: "alice", payload: { type: "article", title: "x" } })).json().eprintid;
});
afterAll(async () => t?.close());

const NUL = "a\u0000b";
const SURROGATE = "\ud83d";

describe("text the database cannot store", () => {
  it.each([
    ["a record's title", "POST", "/api/eprints", (v: string) => ({ type: "article", title: v }), "title"],
    ["a creator's name", "POST", "/api/eprints", (v: string) => ({ type: "article", creators: [{ name: { family: v } }] }), "creators[0].name.family"],
    ["a URL", "POST", "/api/eprints", (v: string) => ({ type: "article", official_url: `https://example.org/${v}` }), "official_url"],
    ["a patched field", "PATCH", "/api/eprints/:id", (v: string) => ({ note: v }), "note"],
    ["a replaced record", "PUT", "/api/eprints/:id", (v: string) => ({ type: "article", abstract: v }), "abstract"],
    ["a user's department", "POST", "/api/users", (v: string) => ({ username: `u${Math.random().toString(36).slice(2, 8)}`, dept: v }), "dept"],
    ["a user's organisation", "POST", "/api/users", (v: string) => ({ username: `u${Math.random().toString(36).slice(2, 8)}`, org: v }), "org"],
    ["a token label", "POST", "/api/users/:alice/tokens", (v: string) => ({ label: v }), "label"],
    ["a subject name", "PUT", "/api/subjects/ZZTEST", (v: string) => ({ name: [{ name: v, lang: "en" }], parents: ["subjects"] }), "name[0].name"],
    ["a subject name's language", "PUT", "/api/subjects/ZZTEST", (v: string) => ({ name: [{ name: "n", lang: `e${v}` }], parents: ["subjects"] }), "name[0].lang"],
  ] as const)("in %s is a 400 naming the field, never a 500", async (_what, method, path, body, field) => {
    for (const value of [NUL, SURROGATE]) {
      const url = path.replace(":id", String(id)).replace(":alice", String(t.users.alice));
      const res = await t.request({ method, url, as: "admin", payload: body(value), headers: { "if-match": "*" } });
      expect(res.statusCode, `${JSON.stringify(value)}: ${res.body}`).toBe(400);
      expect(problemDefect(res, method)).toBeUndefined();
      expect(res.json().errors.map((e: { field: string }) => e.field)).toContain(field);
    }
  });

  it("in an EP3 XML import is refused as malformed XML (XML cannot carry it)", async () => {
    const res = await t.request({ method: "POST", url: "/api/import", as: "alice", payload: `<eprints><eprint><type>article</type><title>a&#0;b</title></eprint></eprints>`, headers: { "content-type": "application/xml" } });
    expect(res.json().aborted.message).toMatch(/Invalid character entity/);
  });

  it("in a BibTeX import fails that record and keeps the others", async () => {
    const res = await t.request({ method: "POST", url: "/api/import", as: "alice", payload: "@article{k, title={a\u0000b}}\n@article{j, title={fine}}\n", headers: { "content-type": "application/x-bibtex" } });
    expect(res.statusCode, res.body).toBe(200);
    const report = res.json();
    expect(report.created).toHaveLength(1);
    expect((await t.services.eprints.load(report.created[0]))?.title).toBe("fine");
    expect(report.failed).toHaveLength(1);
  });

  // every query parameter is checked once for text PostgreSQL can hold (src/http/query-hygiene.ts)
  it.each(["creator", "keyword", "publication", "q", "doi", "subject", "sort", "cursor"])("in the search parameter %s is a 400 or an empty result, never a 500", async (param) => {
    for (const value of ["%00", "a%00b", "%ED%A0%80"]) {
      const res = await t.request({ method: "GET", url: `/api/eprints?${param}=${value}` });
      expect(res.statusCode, `${param}=${value}: ${res.body.slice(0, 200)}`).toBeLessThan(500);
      expect(problemDefect(res, "GET")).toBeUndefined();
    }
  });

  it("in a change-feed position, an export filter or an OAI argument is refused in the protocol's way", async () => {
    for (const url of ["/api/changes?since=%00", "/api/export/Ids?type=%00", "/api/export/Ids?since=a%00", "/api/subjects/a%00", "/rest/eprint/1/%00.txt"]) {
      const res = await t.request({ method: "GET", url });
      expect(res.statusCode, url).toBeLessThan(500);
      expect(problemDefect(res, "GET")).toBeUndefined();
    }
    for (const q of ["verb=GetRecord&metadataPrefix=oai_dc&identifier=%00", "verb=ListRecords&metadataPrefix=oai_dc&set=%00", "verb=ListRecords&metadataPrefix=oai_dc&from=%00", "verb=ListRecords&resumptionToken=%00"]) {
      const res = await t.request({ method: "GET", url: `/cgi/oai2?${q}` });
      expect(res.statusCode).toBe(200);
      expect(res.body).toMatch(/<error code="(badArgument|idDoesNotExist|badResumptionToken)">/);
    }
  });
});

describe("failures before any route runs", () => {
  it("a path segment that is not UTF-8 is a 400 problem", async () => {
    for (const url of [`/api/eprints/%FF`, `/id/eprint/%C0%AF`, `/api/subjects/%ED%A0%80/eprints`]) {
      const res = await t.request({ method: "GET", url });
      expect(res.statusCode, url).toBe(400);
      expect(problemDefect(res, "GET")).toBeUndefined();
      expect(res.json().type).toBe("/problems/bad-url");
    }
  });

  it("a path segment over 500 characters is a 414 problem", async () => {
    const res = await t.request({ method: "GET", url: `/id/eprint/${"9".repeat(501)}` });
    expect(res.statusCode).toBe(414);
    expect(problemDefect(res, "GET")).toBeUndefined();
  });

  it("a bare OPTIONS request is answered, not a text/plain 400", async () => {
    const res = await t.request({ method: "OPTIONS", url: "/api/eprints" });
    expect(res.statusCode).toBe(204);
    expect(res.headers["access-control-allow-methods"]).toBe("GET, HEAD");
  });
});

describe("merge patches", () => {
  it("nested deeper than any record are a 400, not a stack overflow", async () => {
    const deep = (n: number) => `${'{"a":'.repeat(n)}1${"}".repeat(n)}`;
    for (const n of [40, 10_000]) {
      const res = await t.request({ method: "PATCH", url: `/api/eprints/${id}`, as: "alice", payload: `{"title":${deep(n)}}`, headers: { "content-type": "application/merge-patch+json", "if-match": "*" } });
      expect(res.statusCode, res.body.slice(0, 200)).toBe(400);
      expect(problemDefect(res, "PATCH")).toBeUndefined();
    }
  });
});
