/**
 * What the public never sees, on any route: records that are not live (inbox, buffer, and
 * one that was live and went back to the buffer), the ids of creators, editors and
 * contributors (usually e-mail addresses), contact e-mails, depositors' private fields and
 * account e-mails. Checked for anonymous callers and for a depositor who owns none of it,
 * across the JSON API, every export format (per record, negotiated, and as a list), bulk
 * export, search with facets and browse views, the change feed, OAI-PMH in every metadata
 * format, the legacy REST API and the abstract page.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FORMATS } from "../../src/formats/registry.js";
import { listFormat } from "../../src/formats/export.js";
import { constructed } from "../support/constructed.js";
import { testApp, type TestApp } from "../support/app.js";

let t: TestApp;
const ids = { archive: 0, inbox: 0, buffer: 0, unpublished: 0, retired: 0 };

/** Strings only private data contains: none may reach the callers below. */
const SECRETS = {
  creatorEmail: "creator.hidden@example.org",
  editorEmail: "editor.hidden@example.org",
  contributorEmail: "contributor.hidden@example.org",
  staffId: "STAFFID-55213",
  contactEmail: "contact.hidden@example.org",
  suggestions: "Qsuggestionmarker",
  accountEmail: "alice.account@example.org",
  inboxTitle: "Zinboxmarker",
  inboxKeyword: "Kinboxkeyword",
  bufferTitle: "Zbuffermarker",
  unpublishedTitle: "Zunpublishedmarker",
  inboxCreator: "Finboxfamily",
};
/**
 * Private records are dated 1901, which no public record is: facet counts must not show the
 * year. (The two records that were live for a while are dated 1901 too, but they are not
 * live now.)
 */
const PRIVATE_YEAR = "1901";

async function asAdmin(method: "POST" | "PATCH", url: string, payload: object) {
  const cur = await t.request({ method: "GET", url: url.replace(/\/status$/, ""), as: "admin" });
  const res = await t.request({ method, url, payload, as: "admin", headers: { "if-match": cur.headers.etag as string } });
  expect(res.statusCode, res.body).toBe(200);
}

beforeAll(async () => {
  t = await testApp({ VELLUM_RATE_LIMIT_ANONYMOUS: "0", VELLUM_RATE_LIMIT_TOKEN: "0", VELLUM_OAI_PAGE_SIZE: "2" });
  await t.services.db.pool.query(`UPDATE "user" SET email = $1 WHERE userid = $2`, [SECRETS.accountEmail, t.users.alice]);
  // a live record full of private parts
  ids.archive = 7001;
  await t.services.eprints.putPreserved(
    constructed({
      eprintid: ids.archive,
      userid: t.users.alice,
      type: "article",
      title: "A public record with private parts",
      creators: [
        { name: { family: "Visible", given: "Creator" }, id: SECRETS.creatorEmail, orcid: "0000-0002-1825-0097" },
        { name: { family: "Staff", given: "Member" }, id: SECRETS.staffId },
      ],
      editors: [{ name: { family: "Visible", given: "Editor" }, id: SECRETS.editorEmail }],
      contributors: [{ type: "http://www.loc.gov/loc.terms/relators/THS", name: { family: "Visible", given: "Contributor" }, id: SECRETS.contributorEmail }],
      contact_email: SECRETS.contactEmail,
      suggestions: SECRETS.suggestions,
      subjects: ["QA75"],
      divisions: ["kent_cs"],
      date: "2021",
      keywords: "public words",
    }),
    null,
  );
  const deposit = async (title: string, extra: object = {}) => {
    const res = await t.request({
      method: "POST",
      url: "/api/eprints",
      as: "alice",
      payload: { type: "article", title, date: PRIVATE_YEAR, subjects: ["QA75"], divisions: ["kent_cs"], creators: [{ name: { family: "Depositor" }, id: SECRETS.creatorEmail }], contact_email: SECRETS.contactEmail, ...extra },
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().eprintid as number;
  };
  ids.inbox = await deposit(SECRETS.inboxTitle, { keywords: SECRETS.inboxKeyword, creators: [{ name: { family: SECRETS.inboxCreator }, id: SECRETS.creatorEmail }] });
  ids.buffer = await deposit(SECRETS.bufferTitle);
  await asAdmin("POST", `/api/eprints/${ids.buffer}/status`, { eprint_status: "buffer" });
  // live once, then back to the buffer and changed there: the change must stay private
  ids.unpublished = await deposit("Briefly public");
  await asAdmin("POST", `/api/eprints/${ids.unpublished}/status`, { eprint_status: "archive" });
  await asAdmin("POST", `/api/eprints/${ids.unpublished}/status`, { eprint_status: "buffer" });
  await asAdmin("PATCH", `/api/eprints/${ids.unpublished}`, { title: SECRETS.unpublishedTitle });
  ids.retired = await deposit("Retired record");
  await asAdmin("POST", `/api/eprints/${ids.retired}/status`, { eprint_status: "archive" });
  await asAdmin("POST", `/api/eprints/${ids.retired}/status`, { eprint_status: "deletion" });
});
afterAll(async () => t?.close());

const PRIVATE_IDS = () => [ids.inbox, ids.buffer, ids.unpublished];
const CALLERS = ["anonymous", "bob"] as const;

type Seen = { url: string; caller: string; status: number; body: string; headers: string };

async function fetchAll(urls: string[], accept?: string): Promise<Seen[]> {
  const out: Seen[] = [];
  for (const caller of CALLERS) {
    for (const url of urls) {
      const res = await t.request({ method: "GET", url, as: caller, headers: accept ? { accept } : {} });
      expect(res.statusCode, `${caller} ${url}`).toBeLessThan(500);
      out.push({ url, caller, status: res.statusCode, body: res.body, headers: JSON.stringify(res.headers) });
    }
  }
  return out;
}

/** Follows `next` / resumption tokens to the end. */
async function* pages(first: string, caller: (typeof CALLERS)[number], nextOf: (body: string) => string | undefined): AsyncGenerator<Seen> {
  let url: string | undefined = first;
  for (let i = 0; url && i < 200; i++) {
    const res = await t.request({ method: "GET", url, as: caller });
    expect(res.statusCode, `${caller} ${url}`).toBe(200);
    yield { url, caller, status: res.statusCode, body: res.body, headers: JSON.stringify(res.headers) };
    url = nextOf(res.body);
  }
}

function leaks(seen: Seen[]): string[] {
  const out: string[] = [];
  for (const s of seen) {
    for (const [name, secret] of Object.entries(SECRETS)) {
      if (s.body.includes(secret) || s.headers.includes(secret)) out.push(`${s.caller} ${s.url}: ${name} (${secret})`);
    }
  }
  return out;
}

describe("private records and private fields, to the public and to other depositors", () => {
  it("are there: staff see all of it", async () => {
    const seen = await Promise.all(Object.values(ids).map((id) => t.request({ method: "GET", url: `/api/eprints/${id}`, as: "admin" })));
    const body = seen.map((r) => r.body).join("\n");
    for (const s of [SECRETS.creatorEmail, SECRETS.staffId, SECRETS.contactEmail, SECRETS.suggestions, SECRETS.inboxTitle, SECRETS.bufferTitle, SECRETS.unpublishedTitle]) expect(body).toContain(s);
  });

  it("never appear in the JSON API, per record or in its history", async () => {
    const urls = Object.values(ids).flatMap((id) => [`/api/eprints/${id}`, `/api/eprints/${id}/revisions`, `/api/eprints/${id}/revisions/1`, `/api/eprints/${id}/revisions/2`]);
    const seen = await fetchAll(urls);
    expect(leaks(seen)).toEqual([]);
    for (const s of seen.filter((x) => PRIVATE_IDS().some((id) => x.url.startsWith(`/api/eprints/${id}`)))) expect(s.status, `${s.caller} ${s.url}`).toBe(404);
  });

  it("never appear in any export format, by export URL or by negotiation, nor on the abstract page", async () => {
    const urls = Object.values(ids).flatMap((id) => [`/id/eprint/${id}/`, ...FORMATS.map((f) => `/cgi/export/eprint/${id}/${f.id}/x${f.extension}`)]);
    const seen = await fetchAll(urls);
    for (const f of FORMATS) seen.push(...(await fetchAll(Object.values(ids).map((id) => `/id/eprint/${id}`), `application/x-eprints-export-${f.id.toLowerCase()}`)));
    expect(leaks(seen)).toEqual([]);
    const ok = seen.filter((s) => s.status === 200).map((s) => s.url);
    expect(ok.filter((u) => PRIVATE_IDS().some((id) => u.includes(`/${id}/`) || u.endsWith(`/${id}`)))).toEqual([]);
    // the public record itself is served, in every format
    expect(ok.filter((u) => u.includes(`/${ids.archive}/`)).length).toBeGreaterThanOrEqual(FORMATS.length);
  });

  it("never appear in bulk exports or exports of a search, in any list format", async () => {
    const lists = FORMATS.filter((f) => listFormat(f.id));
    expect(lists.length).toBeGreaterThan(10);
    const urls = lists.flatMap((f) => [
      `/api/export/${f.id}`,
      `/api/export/${f.id}?eprint_status=inbox`,
      `/api/export/${f.id}?userid=${t.users.alice}`,
      `/api/eprints?format=${f.id}`,
      `/api/eprints?format=${f.id}&q=${SECRETS.inboxTitle}`,
      `/api/years/${PRIVATE_YEAR}/eprints?format=${f.id}`,
    ]);
    const seen = await fetchAll(urls);
    expect(leaks(seen)).toEqual([]);
    const ids_ = await fetchAll(["/api/export/Ids", "/api/eprints?format=Ids"]);
    for (const s of ids_) for (const id of PRIVATE_IDS()) expect(s.body.split(/\s+/), `${s.caller} ${s.url}`).not.toContain(String(id));
  });

  it("never appear in search results, facet counts or browse views", async () => {
    const urls = [
      "/api/eprints?limit=100&facets=type,year,subject,division,ispublished",
      `/api/eprints?q=${SECRETS.inboxTitle}`,
      `/api/eprints?q=${SECRETS.inboxKeyword}&facets=year`,
      `/api/eprints?keyword=${SECRETS.inboxKeyword}`,
      `/api/eprints?creator=${SECRETS.inboxCreator}`,
      `/api/eprints?eprint_status=inbox,buffer`,
      `/api/eprints?userid=${t.users.alice}&facets=year`,
      `/api/eprints?year=${PRIVATE_YEAR}&facets=type,year`,
      `/api/subjects/QA75/eprints?facets=year,subject,division`,
      `/api/divisions/kent_cs/eprints?facets=year`,
      `/api/years/${PRIVATE_YEAR}/eprints?facets=year`,
    ];
    const seen = await fetchAll(urls);
    expect(leaks(seen)).toEqual([]);
    for (const s of seen) {
      expect(s.status, `${s.caller} ${s.url}: ${s.body.slice(0, 200)}`).toBe(200);
      const page = JSON.parse(s.body) as { items: { eprintid: number }[]; facets?: Record<string, { value: string }[]> };
      for (const item of page.items) expect(PRIVATE_IDS(), `${s.caller} ${s.url}`).not.toContain(item.eprintid);
      expect(page.facets?.year?.map((v) => v.value) ?? [], `${s.caller} ${s.url}`).not.toContain(PRIVATE_YEAR);
    }
  });

  it("never appear in the change feed, with or without records", async () => {
    const seen: Seen[] = [];
    for (const caller of CALLERS) {
      for (const first of ["/api/changes?limit=2", "/api/changes?limit=2&include=record"]) {
        for await (const p of pages(first, caller, (b) => {
          const page = JSON.parse(b);
          return page.more ? `${first}&since=${encodeURIComponent(page.next)}` : undefined;
        })) {
          seen.push(p);
          const page = JSON.parse(p.body) as { items: { eprintid: number; action: string; record?: { eprint_status: string } }[] };
          for (const c of page.items) {
            expect([ids.inbox, ids.buffer], `${caller} ${p.url}`).not.toContain(c.eprintid);
            expect(["created", "updated", "deleted"]).toContain(c.action);
            if (c.record) expect(c.record.eprint_status, `${caller} ${p.url}`).toBe("archive");
          }
        }
      }
    }
    expect(seen.length).toBeGreaterThan(2);
    expect(leaks(seen)).toEqual([]);
  });

  it("never appear in OAI-PMH, in any metadata format, listed or asked for by identifier", async () => {
    const formats = await t.request({ method: "GET", url: "/cgi/oai2?verb=ListMetadataFormats" });
    const prefixes = [...formats.body.matchAll(/<metadataPrefix>([^<]+)</g)].map((m) => m[1]!);
    expect(prefixes.length).toBeGreaterThanOrEqual(5);
    const seen: Seen[] = [];
    const token = (b: string) => /<resumptionToken[^>]*>([^<]+)</.exec(b)?.[1];
    for (const caller of CALLERS) {
      for (const prefix of prefixes) {
        for (const verb of ["ListRecords", "ListIdentifiers"]) {
          for await (const p of pages(`/cgi/oai2?verb=${verb}&metadataPrefix=${prefix}`, caller, (b) => (token(b) ? `/cgi/oai2?verb=${verb}&resumptionToken=${encodeURIComponent(token(b)!)}` : undefined))) {
            seen.push(p);
            for (const id of PRIVATE_IDS()) {
              // a record that was public is listed as deleted, with no metadata; the others not at all
              if (id === ids.unpublished) expect(p.body).not.toMatch(new RegExp(`<header>\\s*<identifier>oai:kar.kent.ac.uk:${id}<`));
              else expect(p.body, `${caller} ${prefix}`).not.toContain(`oai:kar.kent.ac.uk:${id}<`);
            }
          }
        }
        seen.push(...(await fetchAll(PRIVATE_IDS().map((id) => `/cgi/oai2?verb=GetRecord&metadataPrefix=${prefix}&identifier=oai:kar.kent.ac.uk:${id}`))));
      }
    }
    expect(leaks(seen)).toEqual([]);
    for (const s of seen.filter((x) => x.url.includes("GetRecord"))) {
      const id = Number(/kar\.kent\.ac\.uk:(\d+)/.exec(s.url)![1]);
      if (id === ids.unpublished) expect(s.body).toMatch(/<header status="deleted">/);
      else expect(s.body, s.url).toContain('<error code="idDoesNotExist">');
    }
  });

  it("never appear on the legacy REST API", async () => {
    const fieldUrls = Object.values(ids).flatMap((id) => ["title", "contact_email", "suggestions", "keywords", "userid", "eprint_status"].map((f) => `/rest/eprint/${id}/${f}.txt`));
    const urls = ["/rest/eprint/", ...Object.values(ids).flatMap((id) => [`/rest/eprint/${id}.xml`, `/rest/eprint/${id}/`]), ...fieldUrls];
    const seen = await fetchAll(urls);
    expect(leaks(seen)).toEqual([]);
    const listing = seen.find((s) => s.url === "/rest/eprint/")!.body;
    for (const id of PRIVATE_IDS()) expect(listing).not.toContain(`'${id}/'`);
  });
});
