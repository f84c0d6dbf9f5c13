/**
 * Search over HTTP on a seeded repository (test/search/seed.ts): full text with diacritics,
 * phrases, prefixes and exclusions; every filter alone and in combination; every sort;
 * facets; browse views; export of a search; bad parameters.
 */
import { parse as parseBib } from "@retorquere/bibtex-parser";
import { parse as parseCsv } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testApp, type TestApp } from "../support/app.js";
import { ORCID, PUBLIC_NAMES, record, seed } from "./seed.js";

let t: TestApp;
let byId: Map<number, string>;
beforeAll(async () => {
  t = await testApp();
  const records = await seed(t);
  byId = new Map(Object.entries(records).map(([name, r]) => [r.eprintid, name]));
});
afterAll(async () => t?.close());

type Who = "anonymous" | "alice" | "bob" | "editor" | "admin";

async function search(qs: string, as: Who = "anonymous") {
  const res = await t.request({ method: "GET", url: `/api/eprints?${qs}`, as });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

/** The seeded records' names, in the order the API gave them. */
async function names(qs: string, as: Who = "anonymous"): Promise<string[]> {
  const page = await search(`${qs}${qs ? "&" : ""}limit=1000`, as);
  return page.items.map((r: { eprintid: number }) => byId.get(r.eprintid) ?? `#${r.eprintid}`);
}

const set = async (qs: string, as: Who = "anonymous") => (await names(qs, as)).sort();
const q = (s: string) => `q=${encodeURIComponent(s)}`;
const p = (k: string, v: string) => `${k}=${encodeURIComponent(v)}`;

describe("full text", () => {
  it("finds words in title, abstract, keywords, creator names, publication and subject names, live records only", async () => {
    expect(await set(q("graph"))).toEqual(["gnn", "phrase", "welfare"]);
    expect(await set(q("policy"))).toEqual(["welfare"]); // keyword
    expect(await set(q("Okafor"))).toEqual(["networking"]); // creator
    expect(await set(q("journal"))).toEqual(["gnn"]); // publication
    expect(await set(q('"computer science"'))).toEqual(["gnn"]); // the name of subject QA75
  });

  it("ranks a title match above an abstract match", async () => {
    expect(await names(q("message passing"))).toEqual(["welfare", "gnn"]);
    const graph = await names(q("graph"));
    expect(graph[graph.length - 1]).toBe("welfare");
  });

  it("ignores accents and case both ways: Muller finds Müller, Müller finds Muller, zurich finds Zürich", async () => {
    expect(await set(q("Muller"))).toEqual(["gnn", "software"]);
    expect(await set(q("MÜLLER"))).toEqual(["gnn", "software"]);
    expect(await set(q("zurich"))).toEqual(["cafe"]);
    expect(await set(q("CAFE elodie"))).toEqual(["cafe"]);
    expect(await set(q("Sean"))).toEqual(["gnn"]);
  });

  it("stems English words: networks finds network and networking", async () => {
    expect(await set(q("network"))).toEqual(["gnn", "networking", "phrase", "welfare"]);
  });

  it("matches a multi-word phrase only with the words adjacent and in order", async () => {
    expect(await set(q('"graph neural networks"'))).toEqual(["gnn", "welfare"]);
    expect(await set(q("graph neural networks"))).toEqual(["gnn", "phrase", "welfare"]);
    expect(await set(q('"networks graph"'))).toEqual([]);
  });

  it("matches prefixes with *, accents folded", async () => {
    expect(await set(q("zur"))).toEqual([]);
    expect(await set(q("zür*"))).toEqual(["cafe"]);
    expect(await set(q("Zur*"))).toEqual(["cafe"]);
    expect(await set(q("soft*"))).toEqual(["software"]);
  });

  it("takes OR and exclusions", async () => {
    expect(await set(q("zurich OR software"))).toEqual(["cafe", "software"]);
    expect(await set(q("graph -social"))).toEqual(["gnn", "phrase"]);
    expect(await set(q('graph -"message passing"'))).toEqual(["phrase"]);
  });

  it("answers an empty page, not an error, when nothing matches", async () => {
    const page = await search(q("xylophone"));
    expect(page).toEqual({ items: [], next: null, total: 0 });
    expect(await set(`${q("graph")}&type=patent`)).toEqual([]);
  });

  it("treats a query with no letters or digits as no query", async () => {
    expect((await search(q("*** !!"))).total).toBe(PUBLIC_NAMES.length);
  });

  it("shows a depositor their own unpublished records and staff everything, hidden or retired", async () => {
    expect(await set(q("graph"), "alice")).toEqual(["draft", "gnn", "phrase", "welfare"]);
    expect(await set(q("graph"), "bob")).toEqual(["gnn", "hidden", "phrase", "retired", "welfare"]);
    expect(await set(q("graph"), "editor")).toEqual(["draft", "gnn", "hidden", "phrase", "retired", "welfare"]);
  });

  it("follows a subject's new name at once (the database rewrites the documents filed under it)", async () => {
    expect(await set(q("zymurgy"))).toEqual([]);
    const res = await t.request({
      method: "PUT",
      url: "/api/subjects/HV",
      payload: { name: [{ name: "HV Zymurgy and brewing", lang: "en" }], parents: ["H"] },
      as: "admin",
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(await set(q("zymurgy"))).toEqual(["welfare"]);
    expect(await set(q('"social pathology"'))).toEqual([]);
  });

  it("keeps the document right when a record changes through the API", async () => {
    const created = await t.request({ method: "POST", url: "/api/eprints", payload: { type: "other", title: "Quokka census" }, as: "alice" });
    const id = created.json().eprintid;
    expect((await search(q("quokka"), "alice")).items.map((r: { eprintid: number }) => r.eprintid)).toEqual([id]);
    await t.request({ method: "PATCH", url: `/api/eprints/${id}`, payload: { title: "Wombat census" }, headers: { "if-match": `"${id}-1"` }, as: "alice" });
    expect((await search(q("quokka"), "alice")).total).toBe(0);
    expect((await search(q("wombat"), "alice")).total).toBe(1);
    await t.request({ method: "DELETE", url: `/api/eprints/${id}`, headers: { "if-match": `"${id}-2"` }, as: "alice" });
  });
});

describe("filters", () => {
  it.each([
    ["type=thesis", ["cafe"]],
    ["type=thesis,monograph", ["cafe", "software"]],
    ["subject=QA75", ["gnn"]],
    ["subject=QA", ["gnn", "software"]],
    ["subject=Q", ["gnn", "software"]],
    ["subject=QA75,HV", ["gnn", "welfare"]],
    ["division=kent_cs", ["gnn"]],
    ["division=kent_sss", ["cafe", "welfare"]],
    ["division=kent_schools", ["cafe", "gnn", "welfare"]],
    ["year=2024", ["gnn", "phrase"]],
    ["year=2019,2021", ["cafe", "welfare"]],
    ["date_from=2021-06&date_to=2024-01", ["cafe", "networking", "phrase"]],
    ["date_to=2019", ["welfare"]],
    ["date_from=2024-02-29", ["gnn"]],
    ["date_from=2022&date_to=2022", ["networking"]],
    ["date_type=completed", ["cafe"]],
    ["date_type=published&year=2024", ["gnn", "phrase"]],
    ["ispublished=pub", ["gnn", "networking", "phrase"]],
    ["ispublished=inpress,unpub", ["cafe", "software", "welfare"]],
    ["refereed=true", ["gnn", "phrase"]],
    ["refereed=false", ["networking", "welfare"]],
    ["doi=10.5555/gnn.2024", ["gnn"]],
    [p("doi", "https://doi.org/10.5555/GNN.2024"), ["gnn"]],
    ["doi=10.1234/phrase-5", ["phrase"]],
    [p("keyword", "deep learning"), ["gnn"]],
    [p("keyword", "Café"), ["cafe"]],
    ["keyword=graph", []],
    [p("publication", "journal of EXAMPLES"), ["gnn"]],
    ["datestamp_from=2024-01-01", ["gnn", "phrase"]],
    ["datestamp_to=2019-05-01", ["welfare"]],
    [p("datestamp_from", "2024-03-10T09:00:01Z"), []],
    [p("lastmod_from", "2025-03-01T10:00:00Z"), ["cafe", "gnn", "phrase"]],
    [p("lastmod_from", "2025-03-01T11:00:00+01:00"), ["cafe", "gnn", "phrase"]],
    ["lastmod_to=2025-01-20", ["networking", "software"]],
    [p("lastmod_to", "2025-01-20T09:59:59Z"), ["software"]],
    ["since=2025-04-01", ["cafe", "phrase"]],
  ])("%s", async (qs, expected) => {
    expect(await set(qs)).toEqual([...expected].sort());
  });

  it.each([
    ["Müller", ["gnn", "software"]],
    ["muller", ["gnn", "software"]],
    ["Müller, Anna-Lena", ["gnn"]],
    ["Muller, A.", ["gnn"]],
    ["Müller, Anna", ["gnn"]],
    ["Anna-Lena Müller", ["gnn"]],
    ["Bernd Muller", ["software"]],
    ["O'Brien, Sean", ["gnn"]],
    [ORCID, ["gnn"]],
    [`https://orcid.org/${ORCID}`, ["gnn"]],
    ["a.mueller@example.org", []], // creator ids are private: never a way in
    ["Müller, Zoe", []],
  ])("creator=%s", async (creator, expected) => {
    expect(await set(p("creator", creator))).toEqual(expected);
  });

  it("finds a depositor's own draft by ORCID for them, not for others", async () => {
    expect(await set(p("creator", ORCID), "alice")).toEqual(["draft", "gnn"]);
    expect(await set(p("creator", ORCID), "bob")).toEqual(["gnn"]);
  });

  it("lets staff filter on status and depositor; others only within what they may see", async () => {
    expect(await set("eprint_status=inbox", "editor")).toContain("draft");
    expect(await set("eprint_status=deletion", "editor")).toEqual(["retired"]);
    expect(await set("eprint_status=inbox,deletion")).toEqual([]);
    expect(await set(`userid=${t.users.alice}&eprint_status=archive,inbox`, "editor")).toEqual(["draft", "gnn"]);
    expect(await set(`userid=${t.users.alice}`)).toEqual(["gnn"]);
    expect(await set(`userid=${t.users.bob}`, "bob")).toEqual(["cafe", "hidden", "retired", "welfare"]);
  });

  it.each([
    [`${q("graph")}&type=article&year=2024`, ["gnn"]],
    [`${q("networks")}&ispublished=pub&refereed=true`, ["gnn", "phrase"]],
    [`subject=QA&${p("creator", "Müller")}&refereed=true`, ["gnn"]],
    ["division=kent_schools&date_from=2020", ["cafe", "gnn"]],
    [`${q("message")}&division=kent_sss`, ["welfare"]],
    [`${p("keyword", "graphs")}&${p("publication", "Journal of Examples")}&${p("doi", "10.5555/gnn.2024")}`, ["gnn"]],
    [`${p("keyword", "graphs")}&${p("publication", "Social Policy Review")}`, []],
    [`${q("zur*")}&date_type=completed&lastmod_from=2025-01-01`, ["cafe"]],
  ])("combines %s", async (qs, expected) => {
    expect(await set(qs)).toEqual(expected);
  });
});

describe("sorting", () => {
  it.each([
    ["eprintid", ["gnn", "welfare", "cafe", "software", "phrase", "networking"]],
    ["-eprintid", ["networking", "phrase", "software", "cafe", "welfare", "gnn"]],
    ["date", ["welfare", "cafe", "networking", "phrase", "gnn", "software"]],
    ["-date", ["gnn", "phrase", "networking", "cafe", "welfare", "software"]],
    ["title", ["software", "gnn", "welfare", "networking", "phrase", "cafe"]],
    ["-title", ["cafe", "phrase", "networking", "welfare", "gnn", "software"]],
    ["lastmod", ["software", "networking", "welfare", "gnn", "cafe", "phrase"]],
    ["-lastmod", ["phrase", "cafe", "gnn", "welfare", "networking", "software"]],
    ["datestamp", ["welfare", "software", "cafe", "networking", "phrase", "gnn"]],
    ["-datestamp", ["gnn", "phrase", "networking", "cafe", "software", "welfare"]],
  ])("sort=%s (records without the value last)", async (sort, expected) => {
    expect(await names(`sort=${sort}`)).toEqual(expected);
  });

  it("sorts by relevance by default with q, and by eprintid without", async () => {
    expect(await names(q("message passing"))).toEqual(await names(`${q("message passing")}&sort=relevance`));
    expect(await names("")).toEqual(await names("sort=eprintid"));
  });

  it("breaks relevance ties by eprintid", async () => {
    const ids = [3001, 3002, 3003];
    await t.services.eprints.insertBatch(ids.map((id) => record(id, { title: "Identical twin titles" })), null);
    const page = await search(`${q("identical twin")}&limit=1000`);
    expect(page.items.map((r: { eprintid: number }) => r.eprintid)).toEqual(ids);
    await t.services.db.pool.query("DELETE FROM eprint WHERE eprintid = ANY($1)", [ids]);
  });

  it("continues a sort with cursors across pages, crossing into the records without a value", async () => {
    const all = await names("sort=-date");
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: { eprintid: number }[]; next: string | null } = await search(`sort=-date&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
      seen.push(...page.items.map((r) => byId.get(r.eprintid) ?? `#${r.eprintid}`));
      cursor = page.next;
    } while (cursor);
    expect(seen).toEqual(all);
  });
});

describe("facets", () => {
  it("counts type, year, subject, division and ispublished over every match (subjects rolled up the tree)", async () => {
    const page = await search("facets=type,year,subject,division,ispublished&limit=1");
    expect(page.items).toHaveLength(1);
    expect(page.total).toBe(PUBLIC_NAMES.length);
    const f = page.facets;
    expect(f.type).toEqual(
      ["article", "book", "book_section", "conference_item", "monograph", "thesis"].map((value) => ({ value, count: 1 })),
    );
    expect(f.year).toEqual([
      { value: "2024", count: 2 },
      { value: "2022", count: 1 },
      { value: "2021", count: 1 },
      { value: "2019", count: 1 },
    ]);
    expect(f.ispublished).toEqual([
      { value: "pub", count: 3 },
      { value: "unpub", count: 2 },
      { value: "inpress", count: 1 },
    ]);
    const counts = (list: { value: string; count: number }[]) => Object.fromEntries(list.map((x) => [x.value, x.count]));
    expect(counts(f.subject)).toEqual({ Q: 2, QA: 2, QA75: 1, QA76: 1, H: 2, HV: 1 });
    expect(f.subject[0]).toMatchObject({ value: "H", name: "H Social Sciences", count: 2 });
    expect(counts(f.division)).toEqual({ kent_schools: 3, kent_sss: 2, kent_cs: 1, kent_chss: 1 });
  });

  it("counts for the current query, filters included", async () => {
    const f = (await search(`${q("graph")}&facets=type,year,subject&year=2024`)).facets;
    expect(f.type).toEqual([
      { value: "article", count: 1 },
      { value: "conference_item", count: 1 },
    ]);
    expect(f.year).toEqual([{ value: "2024", count: 2 }]);
    expect(f.subject.map((s: { value: string }) => s.value)).toEqual(["Q", "QA", "QA75"]);
  });

  it("gives empty facets for an empty result", async () => {
    const page = await search(`${q("xylophone")}&facets=type,subject`);
    expect(page.facets).toEqual({ type: [], subject: [] });
  });
});

describe("browse views", () => {
  const browse = async (url: string, as: Who = "anonymous") => {
    const res = await t.request({ method: "GET", url, as });
    expect(res.statusCode, res.body).toBe(200);
    return res.json().items.map((r: { eprintid: number }) => byId.get(r.eprintid)).sort();
  };

  it("lists a subject with everything below it", async () => {
    expect(await browse("/api/subjects/QA/eprints")).toEqual(["gnn", "software"]);
    expect(await browse("/api/subjects/QA76/eprints")).toEqual(["software"]);
  });

  it("lists a division with every unit below it, with any other search parameter", async () => {
    expect(await browse("/api/divisions/kent_schools/eprints")).toEqual(["cafe", "gnn", "welfare"]);
    expect(await browse("/api/divisions/kent_schools/eprints?type=thesis")).toEqual(["cafe"]);
    const page = (await t.request({ method: "GET", url: "/api/divisions/kent_sss/eprints?facets=type&sort=date" })).json();
    expect(page.items.map((r: { eprintid: number }) => byId.get(r.eprintid))).toEqual(["welfare", "cafe"]);
    expect(page.facets.type).toHaveLength(2);
  });

  it("lists a year", async () => {
    expect(await browse("/api/years/2024/eprints")).toEqual(["gnn", "phrase"]);
    expect(await browse("/api/years/2024/eprints", "alice")).toEqual(["draft", "gnn", "phrase"]);
    expect(await browse("/api/years/1999/eprints")).toEqual([]);
  });

  it.each([
    ["/api/subjects/NOPE/eprints", 404],
    ["/api/subjects/kent_cs/eprints", 404],
    ["/api/divisions/QA75/eprints", 404],
    ["/api/years/24/eprints", 400],
    ["/api/years/2024/eprints?year=2023", 400],
    ["/api/subjects/QA/eprints?subject=H", 400],
    ["/api/subjects/QA/eprints?colour=red", 400],
  ])("%s answers %i", async (url, status) => {
    const res = await t.request({ method: "GET", url });
    expect(res.statusCode, res.body).toBe(status);
    expect(res.headers["content-type"]).toMatch(/^application\/problem\+json/);
  });
});

describe("export of a search (format=)", () => {
  it("streams the whole result as BibTeX, in the query's order, readable by bibtex-parser", async () => {
    const res = await t.request({ method: "GET", url: `/api/eprints?${q("graph")}&sort=date&format=BibTeX&limit=1` });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^text\/plain/);
    const bib = parseBib(res.body);
    expect(bib.errors).toEqual([]);
    expect(bib.entries.map((e: { key: string }) => e.key)).toEqual(["kar1002", "kar1005", "kar1001"]);
  });

  it("exports the rows of a filtered, sorted search as CSV", async () => {
    const res = await t.request({ method: "GET", url: "/api/eprints?subject=Q&sort=-eprintid&format=CSV" });
    expect(res.statusCode, res.body).toBe(200);
    // EPrints' CSV gives a record one row per creator, the first carrying the record's fields
    const rows = parseCsv(res.body, { columns: true }) as { eprintid: string }[];
    expect([...new Set(rows.map((r) => r.eprintid).filter(Boolean))]).toEqual(["1004", "1001"]);
  });

  it("exports browse views too, and wraps JSON as JSONP on request", async () => {
    const res = await t.request({ method: "GET", url: "/api/years/2024/eprints?format=JSON&callback=cb" });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^application\/javascript/);
    expect(res.body.startsWith("cb(")).toBe(true);
  });

  it("keeps to what the caller may see", async () => {
    const anon = await t.request({ method: "GET", url: `/api/eprints?${q("draft")}&format=Ids` });
    expect(anon.body.trim()).toBe("");
    const alice = await t.request({ method: "GET", url: `/api/eprints?${q("draft")}&format=Ids`, as: "alice" });
    expect(alice.body.trim()).toBe("1007");
  });
});

describe("bad parameters", () => {
  it.each([
    ["colour=red", "colour"],
    ["limit=0", "limit"],
    ["limit=1000000", "limit"],
    ["limit=ten", "limit"],
    ["cursor=garbage", "cursor"],
    ["date_from=2023-02-30", "date_from"],
    ["date_to=last-year", "date_to"],
    ["date_from=2024&date_to=2023", "date_to"],
    ["year=24", "year"],
    ["type=blogpost", "type"],
    ["type=article,blogpost", "type"],
    ["subject=NOPE", "subject"],
    ["subject=kent_cs", "subject"],
    ["division=QA75", "division"],
    ["subject=a%20b", "subject"],
    ["ispublished=maybe", "ispublished"],
    ["date_type=printed", "date_type"],
    ["refereed=yes", "refereed"],
    ["doi=not-a-doi", "doi"],
    ["lastmod_from=yesterday", "lastmod_from"],
    ["datestamp_to=2024-13-01", "datestamp_to"],
    ["since=1", "since"],
    ["sort=newest", "sort"],
    ["sort=relevance", "sort"],
    ["facets=colour", "facets"],
    ["eprint_status=published", "eprint_status"],
    ["userid=-1", "userid"],
    ["format=Nope", "format"],
    [`q=${"x".repeat(1001)}`, "q"],
    [`q=${Array.from({ length: 40 }, (_, i) => `w${i}`).join("+")}`, "q"],
  ])("answers %s with 400 naming the parameter", async (qs, field) => {
    const res = await t.request({ method: "GET", url: `/api/eprints?${qs}` });
    expect(res.statusCode, res.body).toBe(400);
    expect(res.headers["content-type"]).toMatch(/^application\/problem\+json/);
    expect(res.json().errors.map((e: { field: string }) => e.field)).toContain(field);
  });

  it("refuses a cursor from another query or another caller", async () => {
    const first = await search("sort=date&limit=1");
    const other = await t.request({ method: "GET", url: `/api/eprints?sort=title&limit=1&cursor=${encodeURIComponent(first.next)}` });
    expect(other.statusCode).toBe(400);
    expect(other.json().errors[0].field).toBe("cursor");
    const someoneElse = await t.request({ method: "GET", url: `/api/eprints?sort=date&limit=1&cursor=${encodeURIComponent(first.next)}`, as: "alice" });
    expect(someoneElse.statusCode).toBe(400);
    const same = await t.request({ method: "GET", url: `/api/eprints?sort=date&limit=1&cursor=${encodeURIComponent(first.next)}` });
    expect(same.statusCode).toBe(200);
  });
});

describe("totals above VELLUM_SEARCH_EXACT_TOTAL", () => {
  let small: TestApp;
  beforeAll(async () => {
    small = await testApp({ VELLUM_SEARCH_EXACT_TOTAL: "3" });
    await seed(small);
  });
  afterAll(async () => small?.close());

  it("are estimated and say so; at or below it they are exact", async () => {
    const many = (await small.request({ method: "GET", url: "/api/eprints?limit=1" })).json();
    expect(many.total_estimated).toBe(true);
    expect(many.total).toBeGreaterThanOrEqual(4);
    const few = (await small.request({ method: "GET", url: "/api/eprints?limit=1&ispublished=pub" })).json();
    expect(few.total).toBe(3);
    expect(few.total_estimated).toBeUndefined();
  });
});
