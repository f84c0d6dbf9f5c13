/**
 * Lists: resumption tokens (stateless, signed, keyset), cursor and completeListSize,
 * selective harvesting by date and by set, changes during a harvest, and a harvest that
 * alternates between two Vellum instances on one database.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../../src/app.js";
import { loadConfig } from "../../src/config.js";
import { openDatabase } from "../../src/db/index.js";
import { TokenSigner } from "../../src/records/cursor.js";
import { createServices } from "../../src/services.js";
import { TEST_ENV, type TestApp } from "../support/app.js";
import { exampleRecords } from "../support/examples.js";
import { KAR_ENV, errorsOf, exampleApp, expectValid, headersOf, oai, query, requestOf, tokenOf, type Header, type Params } from "./support.js";

const id = (n: number) => `oai:kar.kent.ac.uk:${n}`;
const ALL = [101, 102, 104, 108, 109, 113, 112479];

type Send = (params: Params) => Promise<string>;

interface Harvest {
  pages: string[];
  headers: Header[];
}

/**
 * Walks a list to its end the way a harvester does, checking every page: valid XML, cursor =
 * records before the page, completeListSize = records delivered + still to come, an empty
 * token only on the last page of a multi-page list. `send` may differ per page.
 */
async function harvest(send: Send | Send[], params: Record<string, string>, between?: (page: number, xml: string) => Promise<void>): Promise<Harvest> {
  const senders = Array.isArray(send) ? send : [send];
  const pages: string[] = [];
  const headers: Header[] = [];
  let token: string | undefined;
  for (let page = 0; page < 1000; page++) {
    const xml = await senders[page % senders.length]!(token === undefined ? params : { verb: params.verb!, resumptionToken: token });
    expectValid(xml);
    expect(errorsOf(xml), xml).toEqual([]);
    pages.push(xml);
    const before = headers.length;
    headers.push(...headersOf(xml));
    const rt = tokenOf(xml);
    if (page === 0 && !rt) return { pages, headers };
    expect(rt, `page ${page}`).toBeDefined();
    expect(rt!.cursor, `cursor of page ${page}`).toBe(before);
    expect(rt!.completeListSize).toBeGreaterThanOrEqual(headers.length);
    if (rt!.value === "") {
      expect(rt!.expirationDate).toBeUndefined();
      expect(rt!.completeListSize).toBe(headers.length);
      return { pages, headers };
    }
    expect(Date.parse(rt!.expirationDate!)).toBeGreaterThanOrEqual(Date.now() + 24 * 3600_000 - 5_000);
    token = rt!.value;
    if (between) await between(page, xml);
  }
  throw new Error("the list never ended");
}

const idsOf = (h: Header[]) => h.map((x) => Number(x.identifier.split(":").pop()));

describe("paging", () => {
  let t: TestApp;
  let send: Send;
  beforeAll(async () => {
    t = await exampleApp({ VELLUM_OAI_PAGE_SIZE: "2" });
    send = (p) => oai(t, p);
  });
  afterAll(async () => t?.close());

  it.each(["ListIdentifiers", "ListRecords"])("%s walks every record once, in eprintid order, 2 per page", async (verb) => {
    const h = await harvest(send, { verb, metadataPrefix: "oai_dc" });
    expect(h.pages.length).toBe(4);
    expect(idsOf(h.headers)).toEqual(ALL);
    expect(h.pages.map((p) => tokenOf(p)!.cursor)).toEqual([0, 2, 4, 6]);
    expect(h.pages.map((p) => tokenOf(p)!.completeListSize)).toEqual([7, 7, 7, 7]);
    // the last page closes the list with an empty token that still says where it is
    expect(h.pages[3]).toContain(`<resumptionToken completeListSize="7" cursor="6"/>\n  </${verb}>`);
    expect(h.headers.find((x) => x.identifier === id(113))!.deleted).toBe(true);
    // the request echoes the token alone
    expect(requestOf(h.pages[1]!)).toMatch(new RegExp(`^<request verb="${verb}" resumptionToken="[^"]+">`));
  });

  it("a list that fits one page has no token; one that ends exactly at a page boundary has no extra page", async () => {
    const one = await oai(t, { verb: "ListIdentifiers", metadataPrefix: "oai_dc", set: "74797065733D6F74686572" }); // types=other: 108
    expect(idsOf(headersOf(one))).toEqual([108]);
    expect(one).not.toContain("resumptionToken");
    const two = await harvest(send, { verb: "ListIdentifiers", metadataPrefix: "oai_dc", set: "7375626A656374733D51" }); // subjects=Q: 104, 109
    expect(idsOf(two.headers)).toEqual([104, 109]);
    expect(two.pages.length).toBe(1);
    expect(two.pages[0]).not.toContain("resumptionToken");
  });

  it("filtered lists page the same way, down to a last page of one record", async () => {
    const h = await harvest(send, { verb: "ListRecords", metadataPrefix: "oai_dc", from: "2022-01-01" }); // 102, 104, 109, 112479
    expect(idsOf(h.headers)).toEqual([102, 104, 109, 112479]);
    const odd = await harvest(send, { verb: "ListRecords", metadataPrefix: "oai_dc", set: "74797065733D61727469636C65" }); // types=article
    expect(idsOf(odd.headers)).toEqual([102, 109, 113, 112479]);
    const three = await harvest(send, { verb: "ListRecords", metadataPrefix: "oai_dc", set: "7374617475733D707562", until: "2022-12-31" }); // pub: 101,102,104,113
    expect(idsOf(three.headers)).toEqual([101, 102, 104, 113]);
    const five = await harvest(send, { verb: "ListIdentifiers", metadataPrefix: "oai_dc", until: "2024-12-31" });
    expect(idsOf(five.headers)).toEqual([101, 102, 104, 108, 109, 113]);
    const last = await harvest(send, { verb: "ListIdentifiers", metadataPrefix: "oai_dc", from: "2020-01-01" }); // 101,102,104,109,112479
    expect(idsOf(last.headers)).toEqual([101, 102, 104, 109, 112479]);
    expect(headersOf(last.pages[2]!).length).toBe(1);
    expect(last.pages[2]).toContain(`<resumptionToken completeListSize="5" cursor="4"/>`);
  });

  it("replaying a token gives the same page", async () => {
    const first = await oai(t, { verb: "ListRecords", metadataPrefix: "oai_dc" });
    const token = tokenOf(first)!.value;
    const a = await oai(t, { verb: "ListRecords", resumptionToken: token });
    await new Promise((r) => setTimeout(r, 1100)); // a later second: a new expiry in the next token
    const b = await oai(t, { verb: "ListRecords", resumptionToken: token });
    const strip = (x: string) => x.replace(/<responseDate>[^<]*</, "<").replace(/<resumptionToken[^>]*>[^<]*</, "<resumptionToken><");
    expect(strip(b)).toBe(strip(a));
    expect(idsOf(headersOf(a))).toEqual([104, 108]);
    // both next tokens lead on to the same page
    const nextA = await oai(t, { verb: "ListRecords", resumptionToken: tokenOf(a)!.value });
    const nextB = await oai(t, { verb: "ListRecords", resumptionToken: tokenOf(b)!.value });
    const noRequest = (x: string) => strip(x).replace(/<request[^>]*>/, "<request>");
    expect(noRequest(nextA)).toBe(noRequest(nextB));
    expect(idsOf(headersOf(nextA))).toEqual([109, 113]);
  });

  it("POST carries tokens as GET does", async () => {
    const first = await oai(t, { verb: "ListIdentifiers", metadataPrefix: "oai_dc" }, "POST");
    const next = await oai(t, { verb: "ListIdentifiers", resumptionToken: tokenOf(first)!.value }, "POST");
    expect(idsOf(headersOf(next))).toEqual([104, 108]);
  });

  describe("refuses tokens it did not issue as they are", () => {
    let token: string;
    beforeAll(async () => {
      token = tokenOf(await oai(t, { verb: "ListRecords", metadataPrefix: "oai_dc" }))!.value;
    });
    const refused = async (resumptionToken: string, verb = "ListRecords") => {
      const xml = await oai(t, { verb, resumptionToken });
      expectValid(xml);
      expect(errorsOf(xml)).toEqual(["badResumptionToken"]);
      expect(requestOf(xml)).toContain(`resumptionToken="`);
      return xml;
    };

    it("an EPrints token", () => refused("metadataPrefix%3Doai_dc%26offset%3D102"));
    it("a token with its signature changed", () => refused(`${token.slice(0, -2)}${token.endsWith("AA") ? "BB" : "AA"}`));
    it("a token whose payload was edited to skip ahead", () => {
      const [body, mac] = token.split(".");
      const payload = JSON.parse(Buffer.from(body!, "base64url").toString());
      payload.after = 0;
      payload.cursor = 100;
      return refused(`${Buffer.from(JSON.stringify(payload)).toString("base64url")}.${mac}`);
    });
    it("a token signed by another installation", () => {
      const payload = JSON.parse(Buffer.from(token.split(".")[0]!, "base64url").toString());
      return refused(new TokenSigner("another installation's secret").sign(payload));
    });
    it("an expired token", () =>
      refused(t.services.signer.sign({ t: "oai", verb: "ListRecords", metadataPrefix: "oai_dc", after: 102, cursor: 2, exp: Math.floor(Date.now() / 1000) - 1 })));
    it("a REST list cursor (same signer, other shape)", () => refused(t.services.signer.sign({ k: 102, f: "{}" })));
    it("a ListRecords token given to ListIdentifiers", () => refused(token, "ListIdentifiers"));
    it("a token whose format is gone gives cannotDisseminateFormat", async () => {
      const forged = t.services.signer.sign({ t: "oai", verb: "ListRecords", metadataPrefix: "marc21", after: 0, cursor: 0, exp: Math.floor(Date.now() / 1000) + 60 });
      const xml = await oai(t, { verb: "ListRecords", resumptionToken: forged });
      expect(errorsOf(xml)).toEqual(["cannotDisseminateFormat"]);
    });
  });
});

describe("selective harvesting", () => {
  let t: TestApp;
  const list = async (params: Record<string, string>) => {
    const xml = await oai(t, { verb: "ListIdentifiers", metadataPrefix: "oai_dc", ...params });
    expectValid(xml);
    if (errorsOf(xml).length) return errorsOf(xml);
    expect(xml).not.toContain("resumptionToken");
    return idsOf(headersOf(xml));
  };
  beforeAll(async () => {
    t = await exampleApp();
    // one more record, changed at the last second of a day
    const r = (await exampleRecords()).get(108)!;
    await t.services.eprints.putPreserved({ ...r, eprintid: 500, lastmod: "2011-03-04 23:59:59" }, null);
  });
  afterAll(async () => t?.close());

  it.each<[string, Record<string, string>, number[] | string[]]>([
    ["a day, from = until", { from: "2022-10-02", until: "2022-10-02" }, [104]],
    ["a second, from = until", { from: "2022-10-02T00:00:01Z", until: "2022-10-02T00:00:01Z" }, [104]],
    ["until is inclusive to the second", { until: "2022-10-02T00:00:01Z", from: "2022-01-10T08:00:00Z" }, [102, 104]],
    ["until one second earlier", { until: "2022-10-02T00:00:00Z", from: "2022-01-10T08:00:00Z" }, [102]],
    ["from one second later", { from: "2022-10-02T00:00:02Z" }, [109, 112479]],
    ["a day until covers its last second", { until: "2011-03-04" }, [108, 500]],
    ["... and only up to it", { until: "2011-03-04T23:59:58Z" }, [108]],
    ["a day from starts at midnight", { from: "2011-03-05", until: "2016-12-31" }, [113]],
    ["the deletion time of a retired record", { from: "2016-01-01", until: "2016-01-01" }, [113]],
    ["a year before the earliest datestamp", { until: "2009-01-01" }, ["noRecordsMatch"]],
    ["the far future", { from: "9999-12-31T23:59:59Z" }, ["noRecordsMatch"]],
  ])("by date: %s", async (_name, params, expected) => {
    expect(await list(params)).toEqual(expected);
  });

  it.each<[string, string, number[] | string[]]>([
    ["status=pub (deleted records by their last values, as EPrints)", "7374617475733D707562", [101, 102, 104, 113]],
    ["types=article", "74797065733D61727469636C65", [102, 109, 113, 112479]],
    ["subjects=H: the subject and everything below it", "7375626A656374733D48", [101, 102, 113, 112479]],
    ["subjects=H:HV", "7375626A656374733D48:4856", [101, 102, 113, 112479]],
    ["subjects=HV, lower-case hex", "7375626a656374733d4856", [101, 102, 113, 112479]],
    ["subjects=H:HN", "7375626A656374733D48:484E", [101]],
    ["subjects=Q:QA:QA76", "7375626A656374733D51:5141:51413736", [104, 109]],
    ["subjects=Q", "7375626A656374733D51", [104, 109]],
    ["divisions=kent_schools:kent_sss and below", "6469766973696F6E733D6B656E745F7363686F6F6C73:6B656E745F737373", [101, 102, 113, 112479]],
    ["divisions=…:kent_chss", "6469766973696F6E733D6B656E745F7363686F6F6C73:6B656E745F737373:6B656E745F63687373", [101, 102, 112479]],
    ["a subject nobody has", "7375626A656374733D42", ["noRecordsMatch"]],
    ["driver (full text public): nobody yet", "driver", ["noRecordsMatch"]],
  ])("by set: %s", async (_name, set, expected) => {
    expect(await list({ set })).toEqual(expected);
  });

  it("by set and date together", async () => {
    expect(await list({ set: "7375626A656374733D48", from: "2021-01-01", until: "2022-12-31" })).toEqual([102]);
  });

  it("the driver set follows full_text_status", async () => {
    await t.services.db.pool.query(`UPDATE eprint SET data = jsonb_set(data, '{full_text_status}', '"public"') WHERE eprintid = 108`);
    expect(await list({ set: "driver" })).toEqual([108]);
  });

  it("headers name only the most specific sets", async () => {
    const h = headersOf(await oai(t, { verb: "GetRecord", metadataPrefix: "oai_dc", identifier: id(104) }))[0]!;
    expect(h.setSpecs).toContain("7375626A656374733D51:5141:51413736");
    expect(h.setSpecs).not.toContain("7375626A656374733D51");
    expect(h.setSpecs).not.toContain("7375626A656374733D51:5141");
  });
});

describe("records changed during a harvest", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await exampleApp({ VELLUM_OAI_PAGE_SIZE: "2" });
  });
  afterAll(async () => t?.close());

  const edit = async (n: number, patch: object) => {
    const cur = await t.request({ method: "GET", url: `/api/eprints/${n}`, as: "editor" });
    const res = await t.request({ method: "PATCH", url: `/api/eprints/${n}`, payload: patch, headers: { "if-match": cur.headers.etag as string }, as: "editor" });
    expect(res.statusCode, res.body).toBe(200);
  };
  const move = async (n: number, to: string) => {
    const res = await t.request({ method: "POST", url: `/api/eprints/${n}/status`, payload: { eprint_status: to }, as: "editor" });
    expect(res.statusCode, res.body).toBe(200);
  };

  it("are neither lost nor duplicated: the cursor is the eprintid, which edits never move", async () => {
    let created = 0;
    const h = await harvest((p) => oai(t, p), { verb: "ListRecords", metadataPrefix: "oai_dc" }, async (page) => {
      if (page !== 0) return;
      // page 1 delivered 101 and 102
      await edit(102, { title: "Edited behind the cursor" }); // already delivered: not again
      await edit(109, { title: "Edited ahead of the cursor" }); // delivered once, as it is now
      await move(104, "deletion"); // ahead: delivered as deleted
      await move(108, "buffer"); // ahead, back to review: deleted
      const res = await t.request({ method: "POST", url: "/api/eprints", payload: { type: "article", title: "Born mid-harvest" }, as: "alice" });
      created = res.json().eprintid;
      await move(created, "archive"); // new: arrives at the end
    });
    const ids = idsOf(h.headers);
    expect(ids).toEqual([...ALL, created]);
    expect(new Set(ids).size).toBe(ids.length);
    const byId = new Map(h.headers.map((x) => [x.identifier, x]));
    expect(byId.get(id(102))!.datestamp).toBe("2022-01-10T08:00:00Z"); // the version delivered before the edit
    expect(byId.get(id(104))!.deleted).toBe(true);
    expect(byId.get(id(108))!.deleted).toBe(true);
    expect(Date.parse(byId.get(id(109))!.datestamp)).toBeGreaterThan(Date.now() - 60_000);
    const all = h.pages.join("");
    expect(all).toContain("Edited ahead of the cursor");
    expect(all).not.toContain("Edited behind the cursor");
    expect(all).toContain("Born mid-harvest");
    // completeListSize followed the list: 2 delivered + 6 to come after the changes
    expect(h.pages.slice(1).map((p) => tokenOf(p)!.completeListSize)).toEqual([8, 8, 8]);

    // the edit behind the cursor is what the next incremental harvest picks up
    const since = h.pages[0]!.match(/<responseDate>([^<]+)</)![1]!;
    const next = await harvest((p) => oai(t, p), { verb: "ListIdentifiers", metadataPrefix: "oai_dc", from: since });
    expect(idsOf(next.headers)).toEqual(expect.arrayContaining([102, 104, 108, 109, created]));
  });

  it("a record that leaves the set ahead of the cursor is not delivered in that set", async () => {
    const fresh = await exampleApp({ VELLUM_OAI_PAGE_SIZE: "2" });
    try {
      const h = await harvest((p) => oai(fresh, p), { verb: "ListIdentifiers", metadataPrefix: "oai_dc", set: "7375626A656374733D48" }, async (page) => {
        if (page !== 0) return; // delivered 101, 102; ahead: 113, 112479
        const cur = await fresh.request({ method: "GET", url: "/api/eprints/112479", as: "editor" });
        const res = await fresh.request({ method: "PATCH", url: "/api/eprints/112479", payload: { subjects: ["QA76"] }, headers: { "if-match": cur.headers.etag as string }, as: "editor" });
        expect(res.statusCode).toBe(200);
      });
      expect(idsOf(h.headers)).toEqual([101, 102, 113]);
    } finally {
      await fresh.close();
    }
  });
});

describe("two instances on one database", () => {
  let t: TestApp;
  let second: { app: Awaited<ReturnType<typeof buildApp>>; close: () => Promise<void> };
  beforeAll(async () => {
    t = await exampleApp({ VELLUM_OAI_PAGE_SIZE: "2" });
    const config = loadConfig({ ...TEST_ENV, ...KAR_ENV, VELLUM_OAI_PAGE_SIZE: "2", DATABASE_URL: t.url });
    const db = openDatabase(t.url, { poolSize: 2 });
    const services = await createServices(config, db);
    const app = await buildApp({ services });
    await app.ready();
    second = { app, close: async () => (await app.close(), await db.close()) };
  });
  afterAll(async () => {
    await second?.close();
    await t?.close();
  });

  it("serve each other's tokens: a harvest alternating per page gets the complete list", async () => {
    const viaSecond: Send = async (p) => {
      const res = await second.app.inject({ method: "GET", url: `/cgi/oai2?${query(p)}` });
      expect(res.statusCode).toBe(200);
      return res.body;
    };
    for (const verb of ["ListRecords", "ListIdentifiers"]) {
      const h = await harvest([(p) => oai(t, p), viaSecond], { verb, metadataPrefix: "oai_dc" });
      expect(h.pages.length).toBe(4);
      expect(idsOf(h.headers)).toEqual(ALL);
      const h2 = await harvest([viaSecond, (p) => oai(t, p)], { verb, metadataPrefix: "oai_dc" });
      expect(idsOf(h2.headers)).toEqual(ALL);
    }
  });
});
