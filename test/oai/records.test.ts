/**
 * GetRecord and ListRecords for the EPrints example records, byte for byte against real
 * EPrints 3.4.7 responses (after removing responseDate, token expiry and the XSL PI), plus
 * deletions and what OAI must never show.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TestApp } from "../support/app.js";
import { EXAMPLE_IDS } from "../support/examples.js";
import { BASE, EPRINTS_SETS, errorsOf, eprintsResponse, exampleApp, expectValid, headersOf, normalise, oai } from "./support.js";

let kar: TestApp; // EPrints' set configuration
let t: TestApp; // Vellum's default (adds divisions sets)
beforeAll(async () => {
  [kar, t] = await Promise.all([exampleApp(EPRINTS_SETS), exampleApp()]);
});
afterAll(async () => {
  await Promise.all([kar?.close(), t?.close()]);
});

const identifier = (id: number) => `oai:kar.kent.ac.uk:${id}`;
const getRecord = (app: TestApp, id: number, metadataPrefix = "oai_dc") => oai(app, { verb: "GetRecord", identifier: identifier(id), metadataPrefix });

const DIVISIONS_SETSPEC = /\n      <setSpec>6469766973696F6E733D[^<]*<\/setSpec>/g;

/** The `<record>` of an EPrints GetRecord response. */
function recordOf(xml: string): string {
  return /<record>[\s\S]*<\/record>/.exec(xml)![0];
}

describe("GetRecord", () => {
  it.each([...EXAMPLE_IDS])("oai_dc for %i equals EPrints' response", async (id) => {
    const xml = await getRecord(kar, id);
    expectValid(xml);
    expect(normalise(xml)).toBe(normalise(eprintsResponse(`GetRecord/${id}-oai_dc.xml`)));
  });

  it.each([...EXAMPLE_IDS])("oai_dc for %i with the default sets: EPrints' response plus the divisions setSpecs", async (id) => {
    const xml = await getRecord(t, id);
    expectValid(xml);
    expect(normalise(xml).replace(DIVISIONS_SETSPEC, "")).toBe(normalise(eprintsResponse(`GetRecord/${id}-oai_dc.xml`)));
  });

  it("lists divisions after EPrints' sets, one setSpec per path", async () => {
    const [h] = headersOf(await getRecord(t, 101));
    expect(h!.setSpecs.slice(-2)).toEqual([
      // divisions=kent_schools : kent_sss, and : kent_sss : kent_chss
      "6469766973696F6E733D6B656E745F7363686F6F6C73:6B656E745F737373",
      "6469766973696F6E733D6B656E745F7363686F6F6C73:6B656E745F737373:6B656E745F63687373",
    ]);
  });

  // the payloads come from the format modules; what is checked here is that the envelope
  // carries each of them as EPrints does
  it.each(["didl", "mets", "oai_bibl", "oai_dc", "rdf", "uketd_dc"])("112479 as %s is EPrints' response", async (prefix) => {
    const xml = await getRecord(kar, 112479, prefix);
    const ours = normalise(xml)
      .replace(/CREATEDATE="[^"]*"/, 'CREATEDATE=""')
      // creator ids are private in Vellum unless configured, so RDF names people by a hash
      .replace(/id\/person\/ext-[^"]*/g, "id/person/ext-");
    const theirs = normalise(eprintsResponse(`GetRecord/112479-${prefix}.xml`))
      .replace(/CREATEDATE="[^"]*"/, 'CREATEDATE=""')
      .replace(/id\/person\/ext-[^"]*/g, "id/person/ext-");
    expect(ours).toBe(theirs);
    if (prefix === "oai_dc" || prefix === "oai_bibl") expectValid(xml);
  });

  it("gives a retired record as a deleted header without setSpecs or metadata", async () => {
    const xml = await getRecord(t, 113, "mets");
    expectValid(xml);
    expect(xml).toContain(
      `    <record>\n    <header status="deleted">\n      <identifier>oai:kar.kent.ac.uk:113</identifier>\n      <datestamp>2016-01-01T12:00:00Z</datestamp></header></record>\n  </GetRecord>`,
    );
  });
});

describe("ListRecords", () => {
  it("for the example records is EPrints' layout, each record as EPrints writes it", async () => {
    const xml = await oai(kar, { verb: "ListRecords", metadataPrefix: "oai_dc" });
    expectValid(xml);
    // EPrints' own ListRecords (its answer to a bad `from`, which it ignored) shows the
    // layout around the records, and that a listed record is the GetRecord record
    const eprintsList = eprintsResponse("error-badArgument-date.xml");
    const listed = [...eprintsList.matchAll(/    <record>[\s\S]*?<\/record>\n/g)].map((m) => m[0]);
    expect(listed.find((r) => r.includes(identifier(102)))).toBe(`    ${recordOf(eprintsResponse("GetRecord/102-oai_dc.xml"))}\n`);
    const head = eprintsList.slice(0, eprintsList.indexOf("    <record>")).replace(/ from="[^"]*"/, "");
    const tail = eprintsList.slice(eprintsList.lastIndexOf("</record>\n") + "</record>\n".length);
    const ids = [...EXAMPLE_IDS].sort((a, b) => a - b);
    const expected = head + ids.map((id) => `    ${recordOf(eprintsResponse(`GetRecord/${id}-oai_dc.xml`))}\n`).join("") + tail;
    expect(normalise(xml)).toBe(normalise(expected));
  });

  it("ListIdentifiers gives the same headers", async () => {
    const records = headersOf(await oai(kar, { verb: "ListRecords", metadataPrefix: "oai_dc" }));
    const xml = await oai(kar, { verb: "ListIdentifiers", metadataPrefix: "oai_dc" });
    expectValid(xml);
    expect(headersOf(xml)).toEqual(records);
    expect(xml).toContain(`  <ListIdentifiers>\n    <header>\n      <identifier>${identifier(101)}</identifier>`);
  });
});

describe("what OAI shows", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await exampleApp();
  });
  afterAll(async () => app?.close());

  const listed = async () => {
    const xml = await oai(app, { verb: "ListIdentifiers", metadataPrefix: "oai_dc" });
    expectValid(xml);
    return new Map(headersOf(xml).map((h) => [h.identifier, h]));
  };
  const move = async (id: number, to: string) => {
    const res = await app.request({ method: "POST", url: `/api/eprints/${id}/status`, payload: { eprint_status: to }, as: "editor" });
    expect(res.statusCode, res.body).toBeLessThan(300);
  };

  it("never shows items that were never live, in any verb", async () => {
    const inbox = await app.request({ method: "POST", url: "/api/eprints", payload: { type: "article", title: "Private draft" }, as: "alice" });
    expect(inbox.statusCode).toBe(201);
    const buffer = await app.request({ method: "POST", url: "/api/eprints", payload: { type: "article", title: "Under review" }, as: "alice" });
    const bufferId = buffer.json().eprintid as number;
    await move(bufferId, "buffer");
    // an editor can retire an item straight from review: it was never public either
    const gone = await app.request({ method: "POST", url: "/api/eprints", payload: { type: "article", title: "Withdrawn unseen" }, as: "alice" });
    await move(gone.json().eprintid, "buffer");
    await move(gone.json().eprintid, "deletion");

    const shown = await listed();
    for (const id of [inbox.json().eprintid, bufferId, gone.json().eprintid]) {
      expect(shown.has(identifier(id))).toBe(false);
      for (const xml of [
        await getRecord(app, id),
        await oai(app, { verb: "ListMetadataFormats", identifier: identifier(id) }),
      ]) {
        expectValid(xml);
        expect(errorsOf(xml)).toEqual(["idDoesNotExist"]);
      }
    }
    const all = await oai(app, { verb: "ListRecords", metadataPrefix: "oai_dc" });
    expect(all).not.toContain("Private draft");
    expect(all).not.toContain("Under review");
    expect(all).not.toContain("Withdrawn unseen");
    expect((await oai(app, { verb: "Identify" }))).toContain("<earliestDatestamp>2010-01-01T00:00:00Z</earliestDatestamp>");
  });

  it("shows an item once it is live, and as deleted once it leaves the archive, for good", async () => {
    const res = await app.request({ method: "POST", url: "/api/eprints", payload: { type: "article", title: "Going live", ispublished: "pub" }, as: "alice" });
    const id = res.json().eprintid as number;
    await move(id, "archive");
    const live = (await listed()).get(identifier(id))!;
    expect(live.deleted).toBe(false);
    expect(live.setSpecs).toEqual(["7374617475733D707562", "74797065733D61727469636C65"]);
    expect(await getRecord(app, id)).toContain("<dc:title>Going live</dc:title>");

    // back to review: EPrints reports a once-live item that left the archive as deleted
    await move(id, "buffer");
    const back = (await listed()).get(identifier(id))!;
    expect(back).toMatchObject({ deleted: true, setSpecs: [] });
    expect(Date.parse(back.datestamp)).toBeGreaterThanOrEqual(Date.parse(live.datestamp));
    const xml = await getRecord(app, id);
    expectValid(xml);
    expect(xml).toContain('<header status="deleted">');
    expect(xml).not.toContain("<metadata>");
    expect(xml).not.toContain("Going live");

    await move(id, "archive");
    await move(id, "deletion");
    const retired = (await listed()).get(identifier(id))!;
    expect(retired.deleted).toBe(true);
    // a harvest over the deletion time reports it
    const day = retired.datestamp.slice(0, 10);
    const window = await oai(app, { verb: "ListRecords", metadataPrefix: "oai_dc", from: day, until: day });
    expectValid(window);
    expect(headersOf(window).find((h) => h.identifier === identifier(id))).toMatchObject({ deleted: true });
  });

  it("shows the record as the public sees it: no creator e-mails", async () => {
    const res = await app.request({
      method: "POST",
      url: "/api/eprints",
      payload: { type: "article", title: "With ids", creators: [{ name: { family: "Secret", given: "Sam" }, id: "sam@example.org" }] },
      as: "alice",
    });
    const id = res.json().eprintid as number;
    await move(id, "archive");
    for (const prefix of ["oai_dc", "mets", "didl", "rdf", "uketd_dc", "oai_bibl"]) {
      const xml = await getRecord(app, id, prefix);
      // uketd_dc describes theses and oai_bibl references: an article has neither
      if (!["uketd_dc", "oai_bibl"].includes(prefix)) expect(xml, prefix).toContain("Secret");
      expect(xml, prefix).not.toContain("sam@example.org");
    }
  });

  it("names the request in the envelope", async () => {
    const xml = await getRecord(app, 101);
    expect(xml).toContain(`<request verb="GetRecord" identifier="${identifier(101)}" metadataPrefix="oai_dc">${BASE}</request>`);
  });
});
