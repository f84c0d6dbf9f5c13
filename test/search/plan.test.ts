/**
 * Query plans on a repository of 100,000 records: typical searches (full text with filters,
 * facets and totals, deep cursor pages, browse by subject) never read the eprint table
 * sequentially. The rows are made by generate_series inside the database (the search
 * document comes from the same trigger as always), then ANALYZEd; the SQL explained is
 * exactly what the API runs (compileSearch, segmentQuery, countQuery, facetQuery).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Viewer } from "../../src/accounts/viewer.js";
import { compileSearch, countQuery, facetQuery, segmentQuery, type SearchFilter } from "../../src/records/search.js";
import { testApp, type TestApp } from "../support/app.js";

const N = 100_000;
const WORDS = (
  "graph neural network protein folding climate model ocean carbon policy welfare archive memory language " +
  "translation quantum error correction galaxy survey genome editing vaccine trial market risk labour union " +
  "poetry novel medieval manuscript river delta soil erosion urban housing migration border music rhythm " +
  "learning teaching school child health diet sleep stress robot control sensor signal image vision speech " +
  "ethics law court justice crime prison media press election party state war peace trade tax bank credit"
).split(" ");
const FAMILIES = ["Müller", "Smith", "García", "Nguyen", "Okafor", "Kowalski", "Dubois", "Rossi", "Tanaka", "Ivanova"];
const SUBJECTS = ["QA75", "QA76", "HV", "H", "QA", "Q"];

let t: TestApp;
beforeAll(async () => {
  t = await testApp();
  const db = t.services.db.pool;
  await db.query(
    `INSERT INTO eprint (eprintid, rev_number, eprint_status, userid, type, title, date, date_year, date_type, ispublished,
                         refereed, publication, subjects, divisions, datestamp, lastmod, data)
     SELECT i, 1, g.status::eprint_status, 1 + i % 50, g.type, g.title, g.date,
            g.year, 'published', (ARRAY['pub','inpress','submitted','unpub'])[1 + i % 4], i % 3 = 0, 'Journal ' || (i % 300),
            ARRAY[($3::text[])[1 + i % 6]], ARRAY['kent_cs'], timestamp '2000-01-01' + i * interval '1 hour',
            g.lastmod,
            jsonb_build_object('eprintid', i, 'rev_number', 1, 'eprint_status', g.status, 'dir', 'disk0/' || i,
              'lastmod', to_char(g.lastmod, 'YYYY-MM-DD HH24:MI:SS'), 'type', g.type, 'title', g.title, 'date', g.date,
              'abstract', g.abstract, 'keywords', ($1::text[])[1 + abs(hashint4(i * 7)) % ${WORDS.length}] || ', ' || ($1::text[])[1 + abs(hashint4(i * 11)) % ${WORDS.length}],
              'creators', jsonb_build_array(jsonb_build_object('name', jsonb_build_object('family', ($2::text[])[1 + i % 10] || (i % 1000), 'given', 'Ann'))))
       FROM generate_series(1, ${N}) i
       CROSS JOIN LATERAL (SELECT
         (ARRAY['article','book_section','monograph','conference_item','book','thesis','dataset','other'])[1 + i % 8] AS type,
         initcap(($1::text[])[1 + abs(hashint4(i * 7)) % ${WORDS.length}] || ' ' || ($1::text[])[1 + abs(hashint4(i * 13)) % ${WORDS.length}] || ' and ' || ($1::text[])[1 + abs(hashint4(i * 31)) % ${WORDS.length}]
           || ' ' || ($1::text[])[1 + abs(hashint4(i * 17)) % ${WORDS.length}]) AS title,
         'We study ' || ($1::text[])[1 + abs(hashint4(i * 19)) % ${WORDS.length}] || ' ' || ($1::text[])[1 + abs(hashint4(i * 23)) % ${WORDS.length}] || ' with ' || ($1::text[])[1 + abs(hashint4(i * 29)) % ${WORDS.length}]
           || ' in ' || ($1::text[])[1 + abs(hashint4(i * 37)) % ${WORDS.length}] || ' and report ' || ($1::text[])[1 + abs(hashint4(i * 41)) % ${WORDS.length}] || '.' AS abstract,
         (1950 + i % 75)::text || '-' || lpad((1 + i % 12)::text, 2, '0') AS date,
         1950 + i % 75 AS year,
         CASE WHEN i % 10 = 0 THEN 'buffer' ELSE 'archive' END AS status,
         timestamp '2020-01-01' + i * interval '13 minutes' AS lastmod) g`,
    [WORDS, FAMILIES, SUBJECTS],
  );
  await db.query("ANALYZE eprint");
}, 600_000);
afterAll(async () => t?.close());

interface PlanNode {
  "Node Type": string;
  "Relation Name"?: string;
  Plans?: PlanNode[];
}

function scans(node: PlanNode, out: string[] = []): string[] {
  out.push(`${node["Node Type"]}${node["Relation Name"] ? ` on ${node["Relation Name"]}` : ""}`);
  for (const child of node.Plans ?? []) scans(child, out);
  return out;
}

async function plan(q: { sql: string; args: unknown[] }): Promise<string[]> {
  const { rows } = await t.services.db.readPool.query(`EXPLAIN (FORMAT JSON) ${q.sql}`, q.args);
  return scans(rows[0]["QUERY PLAN"][0].Plan as PlanNode);
}

const anonymous: Viewer = { kind: "anonymous" };

async function every(p: SearchFilter, viewer: Viewer = anonymous) {
  const tree = await t.services.subjects.current();
  const c = compileSearch(p, viewer, tree);
  const out: Record<string, string[]> = {
    page: await plan(segmentQuery(c, "v", 51)),
    count: await plan(countQuery(c, 100_000)),
    facet_type: await plan(facetQuery(c, "type")),
    facet_year: await plan(facetQuery(c, "year")),
    facet_subject: await plan(facetQuery(c, "subject")),
  };
  return out;
}

describe(`query plans over ${N.toLocaleString("en")} records`, () => {
  it("has the records and their search documents", async () => {
    const { rows } = await t.services.db.pool.query("SELECT count(*)::int AS n, count(search)::int AS s FROM eprint");
    expect(rows[0]).toEqual({ n: N, s: N });
  });

  it.each<[string, SearchFilter]>([
    ["full text, ranked", { q: "protein folding" }],
    ["full text with type and year", { q: "graph neural", type: ["article", "book"], year: [2001] }],
    ["a phrase with a date range and refereed", { q: '"quantum error"', date_from: "1990", date_to: "2010-06", refereed: true }],
    ["a prefix under a subject with its descendants", { q: "genom*", subject: ["QA"] }],
    ["full text by a creator, newest first", { q: "climate", creator: "Müller42", sort: "-date" }],
    ["full text with a keyword and a publication", { q: "ocean", keyword: "carbon", publication: "Journal 7" }],
    ["full text sorted by title", { q: "vaccine trial", sort: "title" }],
  ])("%s: no sequential scan of eprint", async (_what, p) => {
    const plans = await every(p);
    for (const [which, nodes] of Object.entries(plans)) {
      expect(nodes, `${which}: ${nodes.join(" > ")}`).not.toContain("Seq Scan on eprint");
    }
    expect(plans.page!.join(" ")).toMatch(/Bitmap Index Scan|Index Scan/);
  });

  it("serves a deep page of a sorted listing from the index, at the cursor's position", async () => {
    const tree = await t.services.subjects.current();
    for (const sort of ["-date", "date", "lastmod", "-lastmod", "title", "eprintid", "-datestamp"] as const) {
      const c = compileSearch({ sort }, anonymous, tree);
      const deep = segmentQuery(c, "v", 51, { seg: "v", k: sort.includes("date") && !sort.includes("stamp") ? "1990-01" : sort.includes("lastmod") ? "2021-06-01 00:00:00" : sort.includes("stamp") ? "2005-01-01 00:00:00" : "m", i: 50_000 });
      const nodes = await plan(deep);
      expect(nodes, `${sort}: ${nodes.join(" > ")}`).not.toContain("Seq Scan on eprint");
      expect(nodes.join(" "), sort).toMatch(/Index Scan/);
    }
  });

  it("answers a typical filtered full-text page through the API quickly, total exact", async () => {
    const started = performance.now();
    const res = await t.request({ method: "GET", url: "/api/eprints?q=protein+model&type=article,book&facets=type,year&limit=50" });
    const ms = performance.now() - started;
    expect(res.statusCode, res.body).toBe(200);
    const page = res.json();
    expect(page.total).toBeGreaterThan(0);
    expect(page.total_estimated).toBeUndefined();
    expect(ms).toBeLessThan(5_000);
  });
});
