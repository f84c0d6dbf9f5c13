/**
 * Real harvesters we did not write, against a real listening Vellum: Debian's `oai_pmh`
 * (Perl HTTP::OAI) and `catmandu convert OAI` (Catmandu::Importer::OAI). A full harvest
 * returns every live record once and every deleted one as deleted, also while records
 * change between its pages.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import type { FastifyInstance } from "fastify";
import { afterEach, describe, expect, it } from "vitest";
import { buildApp } from "../../src/app.js";
import type { TestApp } from "../support/app.js";
import { exampleApp } from "./support.js";

const run = promisify(execFile);

interface Harvested {
  id: number;
  deleted: boolean;
  datestamp: string;
  title?: string;
}

const LIVE = [101, 102, 104, 108, 109, 112479];
const idOf = (identifier: string) => Number(identifier.split(":").pop());

/** `oai_pmh` prints each record as header lines, a blank line, the metadata, then a form feed. */
async function oaiPmh(url: string, args: string[] = []): Promise<Harvested[]> {
  const { stdout, stderr } = await run("oai_pmh", ["--metadataPrefix", "oai_dc", ...args, url], { maxBuffer: 64 << 20 });
  expect(stderr.replace(/Wide character in print at .*\n/g, "").trim()).toBe("");
  return stdout
    .split("\f")
    .filter((chunk) => chunk.includes("identifier: "))
    .map((chunk) => ({
      id: idOf(/^identifier: (.*)$/m.exec(chunk)![1]!),
      deleted: /^status: deleted$/m.test(chunk),
      datestamp: /^datestamp: (.*)$/m.exec(chunk)![1]!,
      title: /<dc:title>([^<]*)<\/dc:title>/.exec(chunk)?.[1],
    }));
}

/** `catmandu convert OAI … to JSON --line_delimited 1`: one JSON object per record. */
async function catmandu(url: string, args: string[] = []): Promise<Harvested[]> {
  const { stdout } = await run("catmandu", ["convert", "OAI", "--url", url, "--metadataPrefix", "oai_dc", ...args, "to", "JSON", "--line_delimited", "1"], {
    maxBuffer: 64 << 20,
  });
  return stdout
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line))
    .map((r) => ({ id: idOf(r._identifier), deleted: r._status === "deleted", datestamp: r._datestamp, title: r.title?.[0] }));
}

const HARVESTERS = { oai_pmh: oaiPmh, catmandu } as const;

let t: TestApp | undefined;
let server: FastifyInstance | undefined;
afterEach(async () => {
  await server?.close();
  await t?.close();
  server = t = undefined;
});

/**
 * The real app on a real port, with a test hook that runs `onPage(n)` after the n-th OAI
 * page is built and before it is sent, so changes land exactly between two pages.
 */
let pagesServed = 0;
async function listen(env: Record<string, string>, onPage?: (n: number) => Promise<void>): Promise<string> {
  t = await exampleApp(env);
  server = await buildApp({ services: t.services });
  pagesServed = 0;
  server.addHook("onSend", async (req, _reply, payload) => {
    if (!req.url.startsWith("/cgi/oai2")) return payload;
    pagesServed++;
    if (onPage) await onPage(pagesServed);
    return payload;
  });
  await server.listen({ host: "127.0.0.1", port: 0 });
  const { port } = server.server.address() as { port: number };
  return `http://127.0.0.1:${port}/cgi/oai2`;
}

function expectEachOnce(got: Harvested[], live: number[], deleted: number[]) {
  const ids = got.map((r) => r.id);
  expect(new Set(ids).size, `duplicates in ${ids}`).toBe(ids.length);
  expect(got.filter((r) => !r.deleted).map((r) => r.id).sort((a, b) => a - b)).toEqual([...live].sort((a, b) => a - b));
  expect(got.filter((r) => r.deleted).map((r) => r.id).sort((a, b) => a - b)).toEqual([...deleted].sort((a, b) => a - b));
}

describe.each(Object.entries(HARVESTERS))("%s", (_name, harvest) => {
  it("harvests everything in one page", async () => {
    const url = await listen({});
    expectEachOnce(await harvest(url), LIVE, [113]);
  });

  it("harvests everything across pages of two, and by set and date", async () => {
    const url = await listen({ VELLUM_OAI_PAGE_SIZE: "2" });
    const all = await harvest(url);
    expectEachOnce(all, LIVE, [113]);
    expect(all.find((r) => r.id === 101)!.title).toMatch(/^Welfare regimes/);
    expectEachOnce(await harvest(url, ["--set", "7375626A656374733D48"]), [101, 102, 112479], [113]);
    expectEachOnce(await harvest(url, ["--from", "2022-01-01", "--until", "2024-12-31"]), [102, 104, 109], []);
  });

  it("gets every record once while records change between pages", async () => {
    let created = 0;
    const url = await listen({ VELLUM_OAI_PAGE_SIZE: "2" }, async (page) => {
      if (page !== 1) return; // page 1 (101, 102) is built and about to go out
      // through the API of the same installation, as editors and depositors would
      const api = t!;
      const edit = async (id: number, patch: object) => {
        const etag = (await api.request({ method: "GET", url: `/api/eprints/${id}`, as: "editor" })).headers.etag as string;
        const res = await api.request({ method: "PATCH", url: `/api/eprints/${id}`, payload: patch, headers: { "if-match": etag }, as: "editor" });
        expect(res.statusCode, res.body).toBe(200);
      };
      const move = async (id: number, to: string) => {
        const res = await api.request({ method: "POST", url: `/api/eprints/${id}/status`, payload: { eprint_status: to }, as: "editor" });
        expect(res.statusCode, res.body).toBe(200);
      };
      await edit(102, { title: "Edited behind the cursor" });
      await edit(109, { title: "Edited ahead of the cursor" });
      await move(104, "deletion");
      await move(108, "buffer");
      const res = await api.request({ method: "POST", url: "/api/eprints", payload: { type: "article", title: "Born mid-harvest" }, as: "alice" });
      created = res.json().eprintid;
      await move(created, "archive");
    });
    const got = await harvest(url);
    expect(pagesServed).toBeGreaterThanOrEqual(4);
    expect(created).toBeGreaterThan(0);
    expectEachOnce(got, [101, 102, 109, 112479, created], [104, 108, 113]);
    const byId = new Map(got.map((r) => [r.id, r]));
    expect(byId.get(102)!.title).not.toBe("Edited behind the cursor");
    expect(byId.get(109)!.title).toBe("Edited ahead of the cursor");
    expect(byId.get(created)!.title).toBe("Born mid-harvest");
  });

  it("harvests 1,000 records in pages of 100 while every page edits, retires and adds records", async () => {
    const retired: number[] = [];
    const added: number[] = [];
    const url = await listen({ VELLUM_OAI_PAGE_SIZE: "100" }, async (page) => {
      const api = t!;
      // page n is built: it ends at record 1000 + 100n - 1 of the generated run
      const behind = 1000 + 100 * page - 50;
      const ahead = 1000 + 100 * page + 150;
      for (const id of [behind, ahead]) {
        if (id >= 2000 || retired.includes(id)) continue;
        const etag = (await api.request({ method: "GET", url: `/api/eprints/${id}`, as: "editor" })).headers.etag as string;
        const res = await api.request({ method: "PATCH", url: `/api/eprints/${id}`, payload: { title: `Edited during page ${page}` }, headers: { "if-match": etag }, as: "editor" });
        expect(res.statusCode, res.body).toBe(200);
      }
      if (ahead + 1 < 2000) {
        const res = await api.request({ method: "POST", url: `/api/eprints/${ahead + 1}/status`, payload: { eprint_status: "deletion" }, as: "editor" });
        expect(res.statusCode, res.body).toBe(200);
        retired.push(ahead + 1);
      }
      const res = await api.request({ method: "POST", url: "/api/eprints", payload: { type: "article", title: `Added during page ${page}` }, as: "alice" });
      const id = res.json().eprintid as number;
      expect((await api.request({ method: "POST", url: `/api/eprints/${id}/status`, payload: { eprint_status: "archive" }, as: "editor" })).statusCode).toBe(200);
      added.push(id);
    });
    // 1,000 copies of record 102 as eprints 1000-1999, live since 2023
    await t!.services.db.pool.query(
      `INSERT INTO eprint (eprintid, rev_number, eprint_status, userid, type, title, date, date_year, ispublished, subjects, divisions, datestamp, lastmod, status_changed, data, public_json)
       SELECT g, rev_number, eprint_status, userid, type, title, date, date_year, ispublished, subjects, divisions, datestamp, lastmod, status_changed,
              jsonb_set(data, '{eprintid}', to_jsonb(g)), public_json
         FROM eprint, generate_series(1000, 1999) g WHERE eprintid = 102`,
    );
    const before = pagesServed;
    const got = await harvest(url);
    const pages = pagesServed - before;
    expect(pages).toBeGreaterThanOrEqual(10);
    const generated = Array.from({ length: 1000 }, (_, i) => 1000 + i);
    // every page adds a record at the end, so the list grows while it is harvested
    expectEachOnce(
      got,
      [...LIVE, ...generated.filter((id) => !retired.includes(id)), ...added.filter((id) => got.some((r) => r.id === id))],
      [113, ...retired],
    );
    // each record added before the last page was delivered
    expect(added.slice(0, -1).every((id) => got.some((r) => r.id === id))).toBe(true);
    expect(retired.length).toBeGreaterThan(3);
  }, 120_000);
});
