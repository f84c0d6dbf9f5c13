/**
 * Who sees what on EPrints' URLs: archive records are public without creator ids or
 * private fields; inbox and buffer items do not exist for anyone but their owner and
 * staff; retired records are a 410 tombstone to everyone but staff.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FORMATS } from "../../src/formats/registry.js";
import { constructed } from "../support/constructed.js";
import type { TestApp } from "../support/app.js";
import { local, urlsApp } from "./setup.js";

let t: TestApp;
let inbox: number;

const SECRETS = ["hidden.creator@example.org", "STAFF-ID-77341", "editor.secret@example.org", "contact.secret@example.org", "SECRET-SUGGESTION-TEXT", "l.kowalski@example.ac.uk"];

beforeAll(async () => {
  ({ t } = await urlsApp());
  await t.services.eprints.putPreserved(
    constructed({
      eprintid: 9001,
      type: "article",
      title: "A record with private parts",
      userid: 3,
      creators: [
        { name: { family: "Hidden", given: "Creator" }, id: "hidden.creator@example.org" },
        { name: { family: "Staff", given: "Id" }, id: "STAFF-ID-77341" },
      ],
      editors: [{ name: { family: "Secret", given: "Editor" }, id: "editor.secret@example.org" }],
      contact_email: "contact.secret@example.org",
      suggestions: "SECRET-SUGGESTION-TEXT",
      subjects: ["QA75"],
      date: "2023",
    }),
    null,
  );
  const res = await t.request({ method: "POST", url: "/api/eprints", as: "alice", payload: { type: "article", title: "Alice's unfinished draft" } });
  inbox = res.json().eprintid;
});
afterAll(async () => t?.close());

/** Every URL of the URL space that serves one record. */
function urlsFor(id: number): string[] {
  return [
    `/id/eprint/${id}`,
    `/id/eprint/${id}/`,
    `/rest/eprint/${id}.xml`,
    `/rest/eprint/${id}/title.txt`,
    `/rest/eprint/${id}/`,
    ...FORMATS.map((f) => `/cgi/export/eprint/${id}/${f.id}/kar-eprint-${id}${f.extension}`),
  ];
}

describe("privacy on EPrints' URLs", () => {
  it("never shows creator or editor ids, e-mails or private fields to anonymous callers, in any format", async () => {
    // the record does hold them
    const full = await t.request({ method: "GET", url: "/api/eprints/9001", as: "admin" });
    for (const s of SECRETS.slice(0, 5)) expect(full.body).toContain(s);
    const bodies: [string, string][] = [];
    for (const u of [...urlsFor(9001), ...urlsFor(102)]) {
      const res = await t.request({ method: "GET", url: u, headers: { accept: "application/json" } });
      expect(res.statusCode, u).toBe(200);
      bodies.push([u, res.body]);
    }
    for (const f of FORMATS.filter((f) => f.visibility === "all")) {
      const res = await t.request({ method: "GET", url: `/api/export/${f.id}` });
      expect(res.statusCode, f.id).toBe(200);
      bodies.push([`/api/export/${f.id}`, res.body]);
    }
    for (const field of ["contact_email", "suggestions"]) {
      const res = await t.request({ method: "GET", url: `/rest/eprint/9001/${field}.txt` });
      expect(res.statusCode).toBe(403);
    }
    for (const [u, body] of bodies) for (const s of SECRETS) expect(body.includes(s), `${s} in ${u}`).toBe(false);
    // the record itself is there
    expect(bodies.some(([, b]) => b.includes("A record with private parts"))).toBe(true);
  });

  it("shows private fields to staff on the REST API", async () => {
    const res = await t.request({ method: "GET", url: "/rest/eprint/9001/contact_email.txt", as: "editor" });
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe("contact.secret@example.org");
  });

  it("answers 404 for an inbox item on every URL, to anonymous callers and other users", async () => {
    for (const as of ["anonymous", "bob"] as const) {
      for (const u of urlsFor(inbox)) {
        const res = await t.request({ method: "GET", url: u, as, headers: { accept: "application/json" } });
        expect(res.statusCode, `${as} ${u}`).toBe(404);
        expect(res.body).not.toContain("unfinished draft");
      }
      const list = await t.request({ method: "GET", url: "/rest/eprint/", as });
      expect(list.body).not.toContain(`'${inbox}/'`);
      const bulk = await t.request({ method: "GET", url: "/api/export/Ids", as });
      expect(bulk.body.split("\n")).not.toContain(String(inbox));
    }
  });

  it("shows an inbox item to its owner on the export URLs and the abstract page, and to staff everywhere", async () => {
    const own = await t.request({ method: "GET", url: `/cgi/export/eprint/${inbox}/XML/x.xml`, as: "alice" });
    expect(own.statusCode).toBe(200);
    expect(own.headers["cache-control"]).toBe("private");
    const page = await t.request({ method: "GET", url: `/id/eprint/${inbox}/`, as: "alice" });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<meta name="robots" content="noindex, nofollow"/>');
    // EPrints grants REST reads of non-archive items to no role but "rest"; Vellum to staff
    expect((await t.request({ method: "GET", url: `/rest/eprint/${inbox}.xml`, as: "alice" })).statusCode).toBe(404);
    for (const u of urlsFor(inbox)) {
      const res = await t.request({ method: "GET", url: u, as: "editor", headers: { accept: "application/json" } });
      expect(res.statusCode, u).toBe(200);
    }
    const list = await t.request({ method: "GET", url: "/rest/eprint/", as: "editor" });
    expect(list.body).toContain(`'${inbox}/'`);
  });
});

describe("retired records", () => {
  it("answer 410 with the tombstone as problem+json on every URL, whatever the Accept", async () => {
    for (const as of ["anonymous", "bob"] as const) {
      for (const u of urlsFor(113)) {
        for (const accept of ["text/html", "application/json", "*/*"]) {
          const res = await t.request({ method: "GET", url: u, as, headers: { accept } });
          expect(res.statusCode, `${as} ${u} ${accept}`).toBe(410);
          expect(res.headers["content-type"]).toMatch(/^application\/problem\+json/);
          const body = res.json();
          expect(body.tombstone).toMatchObject({ eprintid: 113, retired: "2016-01-01 12:00:00" });
          expect(body.tombstone.title).toBeTypeOf("string");
        }
      }
    }
  });

  it("answer 410 to the depositor as well", async () => {
    const res = await t.request({ method: "POST", url: "/api/eprints", as: "alice", payload: { type: "article", title: "Soon retired" } });
    const id = res.json().eprintid;
    for (const to of ["archive", "deletion"]) {
      const current = await t.request({ method: "GET", url: `/api/eprints/${id}`, as: "admin" });
      const moved = await t.request({
        method: "POST",
        url: `/api/eprints/${id}/status`,
        as: "admin",
        payload: { eprint_status: to },
        headers: { "if-match": current.headers.etag as string },
      });
      expect(moved.statusCode, moved.body).toBe(200);
    }
    for (const u of urlsFor(id)) {
      const r = await t.request({ method: "GET", url: u, as: "alice" });
      expect(r.statusCode, u).toBe(410);
    }
  });

  it("are served in full to staff", async () => {
    for (const u of urlsFor(113)) {
      const res = await t.request({ method: "GET", url: u, as: "editor", headers: { accept: "application/json" } });
      expect(res.statusCode, u).toBe(200);
    }
    const page = await t.request({ method: "GET", url: "/id/eprint/113/", as: "admin" });
    expect(page.body).toContain("This item has been retired");
  });

  it("are left out of bulk exports and the REST listing for anyone but staff", async () => {
    const bulk = await t.request({ method: "GET", url: "/api/export/Ids" });
    expect(bulk.body.split("\n")).not.toContain("113");
    expect((await t.request({ method: "GET", url: "/rest/eprint/" })).body).not.toContain("'113/'");
    const staff = await t.request({ method: "GET", url: "/api/export/Ids", as: "editor" });
    expect(staff.body.split("\n")).toContain("113");
  });

  it("keep their export links resolvable for staff from the abstract page", async () => {
    const page = await t.request({ method: "GET", url: "/id/eprint/113/", as: "editor" });
    const hrefs = [...page.body.matchAll(/href="(https:\/\/kar\.kent\.ac\.uk\/cgi\/export\/[^"]+)"/g)].map((m) => m[1]!);
    expect(hrefs.length).toBeGreaterThan(0);
    for (const h of hrefs) expect((await t.request({ method: "GET", url: local(h), as: "editor" })).statusCode).toBe(200);
  });
});
