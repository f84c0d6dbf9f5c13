import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testApp, type TestApp } from "../support/app.js";

let t: TestApp;
beforeAll(async () => {
  t = await testApp();
});
afterAll(async () => t?.close());

const article = {
  type: "article",
  title: "Graph neural networks for sparse & noisy data",
  creators: [
    { name: { family: "Müller", given: "Anna-Lena" }, id: "a.mueller@example.org", orcid: "0000-0002-1825-0097" },
    { name: { family: "O'Brien", given: "Sean P." } },
  ],
  ispublished: "submitted",
  subjects: ["QA75"],
  divisions: ["kent_cs"],
  date: "2024-02-29",
  date_type: "submitted",
  id_number: "10.5555/example.2024.001",
  refereed: false,
};

async function deposit(as: "alice" | "bob" = "alice", body: object = article) {
  const res = await t.request({ method: "POST", url: "/api/eprints", payload: body, as });
  expect(res.statusCode, res.body).toBe(201);
  return res;
}

describe("deposit", () => {
  it("creates an inbox item owned by the caller, with EPrints' system fields", async () => {
    const res = await deposit();
    const r = res.json();
    expect(r).toMatchObject({ rev_number: 1, eprint_status: "inbox", userid: t.users.alice, type: "article", refereed: false });
    expect(r.dir).toBe(`disk0/00/00/00/${String(r.eprintid).padStart(2, "0")}`);
    expect(r.lastmod).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    expect(r.datestamp).toBeUndefined();
    expect(res.headers.location).toBe(`/api/eprints/${r.eprintid}`);
    expect(res.headers.etag).toBe(`"${r.eprintid}-1"`);
  });

  it("refuses anonymous deposits with 401 problem+json", async () => {
    const res = await t.request({ method: "POST", url: "/api/eprints", payload: article });
    expect(res.statusCode).toBe(401);
    expect(res.headers["content-type"]).toMatch(/^application\/problem\+json/);
  });

  it.each([
    ["a malformed DOI", { id_number: "10.5555 broken" }, "id_number"],
    ["a wrong ORCID check digit", { creators: [{ name: { family: "X" }, orcid: "0000-0002-1825-0098" }] }, "creators[0].orcid"],
    ["an unknown type", { type: "blogpost" }, "type"],
    ["an unknown field", { colour: "red" }, "colour"],
    ["an impossible date", { date: "2023-02-29" }, "date"],
    ["a date of the wrong shape", { date: "29/02/2024" }, "date"],
    ["a bad ISSN check digit", { issn: "0140-6735" }, "issn"],
    ["a bad ISBN check digit", { isbn: "978-1-78471-234-5" }, "isbn"],
    ["a relative URL", { official_url: "/paper.pdf" }, "official_url"],
    ["an unknown subject", { subjects: ["NOPE"] }, "subjects[0]"],
    ["a division given as a subject", { subjects: ["kent_cs"] }, "subjects[0]"],
    ["a string where a boolean goes", { refereed: "TRUE" }, "refereed"],
  ])("rejects %s with 400 naming the field", async (_what, change, field) => {
    const res = await t.request({ method: "POST", url: "/api/eprints", payload: { ...article, ...change }, as: "alice" });
    expect(res.statusCode, res.body).toBe(400);
    expect(res.headers["content-type"]).toMatch(/^application\/problem\+json/);
    expect(res.json().errors.map((e: { field: string }) => e.field)).toContain(field);
  });

  it("rejects a body that is not JSON without a 500", async () => {
    const res = await t.request({ method: "POST", url: "/api/eprints", payload: "{not json", headers: { "content-type": "application/json" }, as: "alice" });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0].field).toBe("(body)");
  });

  it("leaves nothing behind when a deposit is invalid", async () => {
    const before = (await t.request({ method: "GET", url: "/api/eprints?limit=1", as: "admin" })).json().total;
    await t.request({ method: "POST", url: "/api/eprints", payload: { ...article, date: "2023-13" }, as: "alice" });
    const after = (await t.request({ method: "GET", url: "/api/eprints?limit=1", as: "admin" })).json().total;
    expect(after).toBe(before);
  });
});

describe("read, replace, patch", () => {
  it("shows an inbox item to its owner and staff only", async () => {
    const id = (await deposit()).json().eprintid;
    expect((await t.request({ method: "GET", url: `/api/eprints/${id}`, as: "alice" })).statusCode).toBe(200);
    expect((await t.request({ method: "GET", url: `/api/eprints/${id}`, as: "editor" })).statusCode).toBe(200);
    expect((await t.request({ method: "GET", url: `/api/eprints/${id}`, as: "bob" })).statusCode).toBe(404);
    expect((await t.request({ method: "GET", url: `/api/eprints/${id}` })).statusCode).toBe(404);
  });

  it("hides creator e-mails from everyone but editors and admins", async () => {
    const id = (await deposit()).json().eprintid;
    const own = (await t.request({ method: "GET", url: `/api/eprints/${id}`, as: "alice" })).json();
    expect(own.creators[0]).toEqual({ name: { family: "Müller", given: "Anna-Lena" }, orcid: "0000-0002-1825-0097" });
    const staff = (await t.request({ method: "GET", url: `/api/eprints/${id}`, as: "editor" })).json();
    expect(staff.creators[0].id).toBe("a.mueller@example.org");
  });

  it("requires If-Match to replace (428) and refuses a stale one (412)", async () => {
    const id = (await deposit()).json().eprintid;
    const none = await t.request({ method: "PUT", url: `/api/eprints/${id}`, payload: article, as: "alice" });
    expect(none.statusCode).toBe(428);
    const stale = await t.request({ method: "PUT", url: `/api/eprints/${id}`, payload: article, as: "alice", headers: { "if-match": `"${id}-7"` } });
    expect(stale.statusCode).toBe(412);
  });

  it("replaces with PUT, bumps rev_number and keeps the hidden creator ids the owner cannot see", async () => {
    const id = (await deposit()).json().eprintid;
    const seen = (await t.request({ method: "GET", url: `/api/eprints/${id}`, as: "alice" })).json();
    const { eprintid: _a, rev_number: _b, eprint_status: _c, userid: _d, dir: _e, lastmod: _f, status_changed: _g, ...metadata } = seen;
    const res = await t.request({
      method: "PUT",
      url: `/api/eprints/${id}`,
      payload: { ...metadata, title: "A better title" },
      as: "alice",
      headers: { "if-match": `"${id}-1"` },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ rev_number: 2, title: "A better title" });
    expect(res.headers.etag).toBe(`"${id}-2"`);
    const staff = (await t.request({ method: "GET", url: `/api/eprints/${id}`, as: "admin" })).json();
    expect(staff.creators[0].id).toBe("a.mueller@example.org");
  });

  it("patches with a JSON merge patch: set a field, remove one with null", async () => {
    const id = (await deposit()).json().eprintid;
    const res = await t.request({
      method: "PATCH",
      url: `/api/eprints/${id}`,
      payload: { publication: "Journal of Examples", refereed: null },
      headers: { "if-match": `"${id}-1"`, "content-type": "application/merge-patch+json" },
      as: "alice",
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().publication).toBe("Journal of Examples");
    expect(res.json().refereed).toBeUndefined();
    expect(res.json().title).toBe(article.title);
  });

  it("rejects a patch that would make the record invalid, and keeps the record", async () => {
    const id = (await deposit()).json().eprintid;
    const res = await t.request({ method: "PATCH", url: `/api/eprints/${id}`, payload: { date: "2024-02-30" }, headers: { "if-match": `"${id}-1"` }, as: "alice" });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0].field).toBe("date");
    expect((await t.request({ method: "GET", url: `/api/eprints/${id}`, as: "alice" })).json()).toMatchObject({ rev_number: 1, date: "2024-02-29" });
  });

  it("lets no one but the owner and staff edit, and the owner only in the inbox", async () => {
    const id = (await deposit()).json().eprintid;
    const patch = (as: "bob" | "alice" | "editor", rev: number) =>
      t.request({ method: "PATCH", url: `/api/eprints/${id}`, payload: { note: "x" }, headers: { "if-match": `"${id}-${rev}"` }, as });
    expect((await patch("bob", 1)).statusCode).toBe(404);
    await t.request({ method: "POST", url: `/api/eprints/${id}/status`, payload: { eprint_status: "buffer" }, as: "alice" });
    expect((await patch("alice", 2)).statusCode).toBe(403);
    expect((await patch("editor", 2)).statusCode).toBe(200);
  });
});

describe("workflow", () => {
  it("inbox → buffer (owner) → archive (editor) sets datestamp once; archive → deletion retires", async () => {
    const id = (await deposit()).json().eprintid;
    const move = (to: string, as: "alice" | "editor" | "bob") => t.request({ method: "POST", url: `/api/eprints/${id}/status`, payload: { eprint_status: to }, as });
    expect((await move("archive", "alice")).statusCode).toBe(403);
    const buffered = await move("buffer", "alice");
    expect(buffered.statusCode).toBe(200);
    expect(buffered.json()).toMatchObject({ eprint_status: "buffer", rev_number: 2 });
    expect((await move("archive", "alice")).statusCode).toBe(403);
    const live = (await move("archive", "editor")).json();
    expect(live.eprint_status).toBe("archive");
    expect(live.datestamp).toBe(live.status_changed);
    // now public
    const anon = await t.request({ method: "GET", url: `/api/eprints/${id}` });
    expect(anon.statusCode).toBe(200);
    expect(anon.json().creators[0].id).toBeUndefined();
    expect(anon.headers.etag).toBe(`"${id}-3"`);
    const back = (await move("buffer", "editor")).json();
    expect((await move("archive", "editor")).json().datestamp).toBe(live.datestamp);
    expect(back.eprint_status).toBe("buffer");
    const retiredRes = await move("deletion", "editor");
    expect(retiredRes.json().eprint_status).toBe("deletion");
    const gone = await t.request({ method: "GET", url: `/api/eprints/${id}` });
    expect(gone.statusCode).toBe(410);
    expect(gone.json().tombstone).toMatchObject({ eprintid: id, title: article.title, retired: retiredRes.json().status_changed });
    expect((await t.request({ method: "GET", url: `/api/eprints/${id}`, as: "editor" })).statusCode).toBe(200);
  });

  it("never deletes an archived item, only inbox and buffer ones", async () => {
    const id = (await deposit()).json().eprintid;
    await t.request({ method: "POST", url: `/api/eprints/${id}/status`, payload: { eprint_status: "archive" }, as: "editor" });
    expect((await t.request({ method: "DELETE", url: `/api/eprints/${id}`, as: "admin" })).statusCode).toBe(409);
    const other = (await deposit()).json().eprintid;
    expect((await t.request({ method: "DELETE", url: `/api/eprints/${other}`, as: "bob" })).statusCode).toBe(404);
    expect((await t.request({ method: "DELETE", url: `/api/eprints/${other}`, as: "alice" })).statusCode).toBe(204);
    expect((await t.request({ method: "GET", url: `/api/eprints/${other}`, as: "admin" })).statusCode).toBe(404);
  });

  it("keeps every revision", async () => {
    const id = (await deposit()).json().eprintid;
    await t.request({ method: "PATCH", url: `/api/eprints/${id}`, payload: { title: "Second" }, headers: { "if-match": `"${id}-1"` }, as: "alice" });
    await t.request({ method: "POST", url: `/api/eprints/${id}/status`, payload: { eprint_status: "buffer" }, as: "alice" });
    const revs = (await t.request({ method: "GET", url: `/api/eprints/${id}/revisions`, as: "alice" })).json().items;
    expect(revs.map((r: { rev_number: number }) => r.rev_number)).toEqual([1, 2, 3]);
    const first = (await t.request({ method: "GET", url: `/api/eprints/${id}/revisions/1`, as: "alice" })).json();
    expect(first.title).toBe(article.title);
    expect((await t.request({ method: "GET", url: `/api/eprints/${id}/revisions/2`, as: "alice" })).json().title).toBe("Second");
    expect((await t.request({ method: "GET", url: `/api/eprints/${id}/revisions`, as: "bob" })).statusCode).toBe(404);
  });
});

describe("listing", () => {
  it("walks every page with a cursor, stable while records are inserted", async () => {
    const ids: number[] = [];
    for (let i = 0; i < 7; i++) {
      const id = (await deposit("bob", { type: "other", title: `Listing ${i}` })).json().eprintid;
      ids.push(id);
    }
    const seen: number[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const url: string = `/api/eprints?userid=${t.users.bob}&type=other&limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
      const page = (await t.request({ method: "GET", url, as: "bob" })).json();
      seen.push(...page.items.map((r: { eprintid: number }) => r.eprintid));
      if (pages === 0) {
        // inserted mid-walk: appears at the end, nothing is skipped or repeated
        ids.push((await deposit("bob", { type: "other", title: "Late" })).json().eprintid);
      }
      cursor = page.next;
      pages++;
    } while (cursor);
    expect(seen).toEqual(ids);
    expect(pages).toBe(3);
  });

  it("shows anonymous callers only live records", async () => {
    const page = (await t.request({ method: "GET", url: "/api/eprints?limit=1000" })).json();
    expect(page.items.every((r: { eprint_status: string }) => r.eprint_status === "archive")).toBe(true);
  });

  it.each([
    ["limit=0", "limit"],
    ["limit=1000000", "limit"],
    ["cursor=garbage", "cursor"],
    ["since=yesterday", "since"],
    ["colour=red", "colour"],
  ])("answers %s with 400 naming the parameter", async (qs, field) => {
    const res = await t.request({ method: "GET", url: `/api/eprints?${qs}` });
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().errors.map((e: { field: string }) => e.field)).toContain(field);
  });
});

describe("the seed record", () => {
  it("112479 converted to JSON is deposited, accepted into the archive and read back with every field intact", async () => {
    const seed = JSON.parse((await import("node:fs")).readFileSync("test/fixtures/seed-112479.json", "utf8"));
    const created = await deposit("alice", seed);
    const id = created.json().eprintid;
    await t.request({ method: "POST", url: `/api/eprints/${id}/status`, payload: { eprint_status: "buffer" }, as: "alice" });
    const live = await t.request({ method: "POST", url: `/api/eprints/${id}/status`, payload: { eprint_status: "archive" }, as: "editor" });
    expect(live.statusCode).toBe(200);
    const staff = (await t.request({ method: "GET", url: `/api/eprints/${id}`, as: "editor" })).json();
    const { eprintid: _a, rev_number: _b, eprint_status, userid: _d, dir: _e, datestamp, lastmod: _g, status_changed: _h, ...metadata } = staff;
    expect(metadata).toEqual(seed);
    expect(eprint_status).toBe("archive");
    expect(datestamp).toBeDefined();
    // anonymous readers get the same record without the creator id
    const anon = (await t.request({ method: "GET", url: `/api/eprints/${id}` })).json();
    expect(anon.creators[8]).toEqual({ name: { family: "Towers", given: "Ann-Marie" } });
    expect(anon.title).toBe(seed.title);
  });
});
