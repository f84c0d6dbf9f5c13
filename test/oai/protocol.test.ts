/**
 * OAI-PMH at /cgi/oai2: the envelope, Identify, ListMetadataFormats, ListSets, GET and POST,
 * and every protocol error in the cases that call for it. Every response is validated
 * against the official OAI-PMH.xsd offline with xmllint.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TestApp } from "../support/app.js";
import { BASE, EPRINTS_SETS, errorsOf, eprintsResponse, exampleApp, expectValid, normalise, oai, requestOf, schemaErrors, type Params } from "./support.js";

let t: TestApp;
let kar: TestApp;
beforeAll(async () => {
  [t, kar] = await Promise.all([exampleApp(), exampleApp(EPRINTS_SETS)]);
});
afterAll(async () => {
  await Promise.all([t?.close(), kar?.close()]);
});

async function valid(params: Params, app = t): Promise<string> {
  const xml = await oai(app, params);
  expectValid(xml);
  return xml;
}

describe("the envelope", () => {
  it("is UTF-8 text/xml with the OAI-PMH root, a UTC responseDate and the request echoed", async () => {
    const xml = await valid({ verb: "Identify" });
    expect(xml.startsWith(`<?xml version='1.0' encoding='UTF-8'?>\n<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"`)).toBe(true);
    const date = /<responseDate>([^<]+)<\/responseDate>/.exec(xml)![1]!;
    expect(Math.abs(Date.parse(date) - Date.now())).toBeLessThan(10_000);
    expect(requestOf(xml)).toBe(`<request verb="Identify">${BASE}</request>`);
  });

  it("is checked by a validator that does reject bad responses", async () => {
    const xml = await valid({ verb: "GetRecord", identifier: "oai:kar.kent.ac.uk:101", metadataPrefix: "oai_dc" });
    expect(schemaErrors(xml.replace(/<datestamp>(\d{4}-\d\d-\d\d)T/, "<datestamp>$1 "))).toMatch(/datestamp/);
    expect(schemaErrors(xml.replace("<dc:title>", "<dc:titel>").replace("</dc:title>", "</dc:titel>"))).toMatch(/titel/);
    expect(schemaErrors(xml.replace(/<request [^>]*>/, '<request verb="Nope">'))).toMatch(/verb/);
  });

  it("answers POST (form-encoded) exactly as GET", async () => {
    const params = { verb: "GetRecord", identifier: "oai:kar.kent.ac.uk:101", metadataPrefix: "oai_dc" };
    const strip = (x: string) => x.replace(/<responseDate>[^<]*</, "<");
    expect(strip(await oai(t, params, "POST"))).toBe(strip(await oai(t, params, "GET")));
    const bad = await oai(t, { verb: "ListRecords" }, "POST");
    expect(errorsOf(bad)).toEqual(["badArgument"]);
  });

  it("accepts a charset on the form content type", async () => {
    const res = await t.request({
      method: "POST",
      url: "/cgi/oai2",
      headers: { "content-type": "application/x-www-form-urlencoded; charset=UTF-8" },
      payload: "verb=Identify",
    });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain("<Identify>");
  });
});

describe("Identify", () => {
  it("gives EPrints' values for the example repository", async () => {
    const xml = await valid({ verb: "Identify" }, kar);
    // Vellum leaves out EPrints' OAI 1.1 `eprints` description (its boilerplate policies name
    // EPrints 3.4.7, and no offline schema exists for it); everything else is the same
    const eprints = normalise(eprintsResponse("Identify.xml")).replace(/\n    <description>\n      <eprints [\s\S]*?<\/description>/, "");
    expect(normalise(xml)).toBe(eprints);
  });

  it("takes the earliest datestamp from the data, deleted records included", async () => {
    const fresh = await exampleApp();
    try {
      await fresh.services.db.pool.query("UPDATE eprint SET lastmod = '2009-05-06 07:08:09' WHERE eprintid = 113");
      const xml = await valid({ verb: "Identify" }, fresh);
      expect(xml).toContain("<earliestDatestamp>2009-05-06T07:08:09Z</earliestDatestamp>");
      // the sample identifier is a live record
      expect(xml).toContain("<sampleIdentifier>oai:kar.kent.ac.uk:108</sampleIdentifier>");
    } finally {
      await fresh.close();
    }
  });

  it("leaves out the oai-identifier description when the host is no domain name (it would not validate)", async () => {
    const local = await exampleApp({ VELLUM_BASE_URL: "http://localhost:3000" });
    try {
      const xml = await valid({ verb: "Identify" }, local);
      expect(xml).toContain("<baseURL>http://localhost:3000/cgi/oai2</baseURL>");
      expect(xml).not.toContain("<description>");
      const record = await valid({ verb: "GetRecord", identifier: "oai:localhost:101", metadataPrefix: "oai_dc" }, local);
      expect(record).toContain("<identifier>oai:localhost:101</identifier>");
    } finally {
      await local.close();
    }
  });

  it("declares persistent deletions and seconds granularity", async () => {
    const xml = await valid({ verb: "Identify" });
    expect(xml).toContain("<deletedRecord>persistent</deletedRecord>");
    expect(xml).toContain("<granularity>YYYY-MM-DDThh:mm:ssZ</granularity>");
  });
});

describe("ListMetadataFormats", () => {
  it("lists the registry's OAI formats as EPrints does", async () => {
    expect(normalise(await valid({ verb: "ListMetadataFormats" }))).toBe(normalise(eprintsResponse("ListMetadataFormats.xml")));
  });

  it("lists the formats of one item", async () => {
    const xml = await valid({ verb: "ListMetadataFormats", identifier: "oai:kar.kent.ac.uk:112479" });
    expect(normalise(xml)).toBe(normalise(eprintsResponse("ListMetadataFormats-112479.xml")));
  });

  it("knows deleted items, and not unknown ones", async () => {
    expect(errorsOf(await valid({ verb: "ListMetadataFormats", identifier: "oai:kar.kent.ac.uk:113" }))).toEqual([]);
    const xml = await valid({ verb: "ListMetadataFormats", identifier: "oai:kar.kent.ac.uk:999999" });
    expect(errorsOf(xml)).toEqual(["idDoesNotExist"]);
    expect(requestOf(xml)).toBe(`<request verb="ListMetadataFormats" identifier="oai:kar.kent.ac.uk:999999">${BASE}</request>`);
  });
});

describe("ListSets", () => {
  const setsOf = (xml: string) =>
    [...xml.matchAll(/<set>\s*<setSpec>([^<]*)<\/setSpec>\s*<setName>([^<]*)<\/setName>\s*<\/set>/g)].map((m) => `${m[1]} ${m[2]}`);

  it("gives EPrints' sets for EPrints' configuration (compared as a set: EPrints' order is hash order)", async () => {
    const ours = setsOf(await valid({ verb: "ListSets" }, kar));
    const theirs = setsOf(eprintsResponse("ListSets.xml"));
    expect(theirs.length).toBe(282);
    expect([...ours].sort()).toEqual([...theirs].sort());
    expect(new Set(ours).size).toBe(ours.length);
  });

  it("adds the divisions tree by default, hex-encoded like subjects", async () => {
    const ours = setsOf(await valid({ verb: "ListSets" }));
    const eprints = setsOf(eprintsResponse("ListSets.xml"));
    const extra = ours.filter((s) => !eprints.includes(s));
    expect(extra.length).toBeGreaterThan(0);
    for (const s of extra) expect(s).toMatch(/^6469766973696F6E733D[0-9A-F]+(:[0-9A-F]+)* Division = /);
    // divisions=kent_schools : kent_sss (School of Social Sciences, under the schools)
    expect(ours.some((s) => s.startsWith("6469766973696F6E733D6B656E745F7363686F6F6C73:6B656E745F737373 Division = "))).toBe(true);
  });

  it("never issues a token, so any token is bad", async () => {
    const xml = await valid({ verb: "ListSets", resumptionToken: "anything" });
    expect(errorsOf(xml)).toEqual(["badResumptionToken"]);
  });

  it("says noSetHierarchy when sets are turned off", async () => {
    const none = await exampleApp({ VELLUM_OAI_SETS: "none" });
    try {
      expect(errorsOf(await valid({ verb: "ListSets" }, none))).toEqual(["noSetHierarchy"]);
      expect(errorsOf(await valid({ verb: "ListIdentifiers", metadataPrefix: "oai_dc", set: "7374617475733D707562" }, none))).toEqual(["noSetHierarchy"]);
      const h = await valid({ verb: "ListIdentifiers", metadataPrefix: "oai_dc" }, none);
      expect(h).not.toContain("<setSpec>");
    } finally {
      await none.close();
    }
  });
});

describe("errors", () => {
  const bare = `<request>${BASE}</request>`;
  const cases: [string, Params, string[]][] = [
    ["no verb", {}, ["badVerb"]],
    ["an unknown verb", { verb: "Nope" }, ["badVerb"]],
    ["a repeated verb", [["verb", "Identify"], ["verb", "Identify"]], ["badVerb"]],
    ["an empty verb", { verb: "" }, ["badVerb"]],
    ["an argument Identify does not take", { verb: "Identify", test: "test" }, ["badArgument"]],
    ["an unknown argument", { verb: "ListRecords", metadataPrefix: "oai_dc", foo: "bar" }, ["badArgument"]],
    ["a repeated argument", [["verb", "ListRecords"], ["metadataPrefix", "oai_dc"], ["metadataPrefix", "oai_dc"]], ["badArgument"]],
    ["a missing metadataPrefix", { verb: "ListRecords" }, ["badArgument"]],
    ["GetRecord without identifier", { verb: "GetRecord", metadataPrefix: "oai_dc" }, ["badArgument"]],
    ["GetRecord without anything", { verb: "GetRecord" }, ["badArgument", "badArgument"]],
    ["an empty argument", { verb: "ListRecords", metadataPrefix: "oai_dc", from: "" }, ["badArgument"]],
    ["a resumptionToken with other arguments", { verb: "ListIdentifiers", metadataPrefix: "oai_dc", resumptionToken: "x" }, ["badArgument"]],
    ["an illegal metadataPrefix", { verb: "ListRecords", metadataPrefix: "oai dc" }, ["badArgument"]],
    ["an impossible date", { verb: "ListRecords", metadataPrefix: "oai_dc", from: "2020-13-45" }, ["badArgument"]],
    ["a date of the wrong shape", { verb: "ListRecords", metadataPrefix: "oai_dc", from: "2020-01-01T00:00:00" }, ["badArgument"]],
    ["a time zone offset", { verb: "ListRecords", metadataPrefix: "oai_dc", until: "2020-01-01T00:00:00+01:00" }, ["badArgument"]],
    ["fractional seconds", { verb: "ListRecords", metadataPrefix: "oai_dc", until: "2020-01-01T00:00:00.5Z" }, ["badArgument"]],
    ["mixed granularities", { verb: "ListRecords", metadataPrefix: "oai_dc", from: "2020-01-01", until: "2021-01-01T00:00:00Z" }, ["badArgument"]],
    ["from after until (days)", { verb: "ListIdentifiers", metadataPrefix: "oai_dc", from: "2021-01-02", until: "2021-01-01" }, ["badArgument"]],
    ["from after until (seconds)", { verb: "ListIdentifiers", metadataPrefix: "oai_dc", from: "2021-01-01T00:00:01Z", until: "2021-01-01T00:00:00Z" }, ["badArgument"]],
    ["a non-hex set (EPrints answers 500)", { verb: "ListRecords", metadataPrefix: "oai_dc", set: "status=pub" }, ["badArgument"]],
    ["an odd-length hex set", { verb: "ListRecords", metadataPrefix: "oai_dc", set: "7374617475733D70756" }, ["badArgument"]],
    ["a hex set that is not UTF-8", { verb: "ListRecords", metadataPrefix: "oai_dc", set: "FFFE" }, ["badArgument"]],
    ["a hex set of an unknown kind", { verb: "ListRecords", metadataPrefix: "oai_dc", set: "666F6F3D626172" }, ["badArgument"]],
  ];
  it.each(cases)("%s: %j", async (_name, params, codes) => {
    for (const method of ["GET", "POST"] as const) {
      const xml = await oai(t, params, method);
      expectValid(xml);
      expect(errorsOf(xml)).toEqual(codes);
      expect(requestOf(xml), "badVerb/badArgument echo no arguments").toBe(bare);
      expect(xml).not.toMatch(/<(ListRecords|ListIdentifiers|GetRecord|Identify)>/);
    }
  });

  const echoed: [string, Record<string, string>, string[]][] = [
    ["an unknown metadataPrefix", { verb: "ListRecords", metadataPrefix: "marc21" }, ["cannotDisseminateFormat"]],
    ["GetRecord in an unknown format", { verb: "GetRecord", identifier: "oai:kar.kent.ac.uk:101", metadataPrefix: "marc21" }, ["cannotDisseminateFormat"]],
    ["an unknown identifier", { verb: "GetRecord", identifier: "oai:kar.kent.ac.uk:999999", metadataPrefix: "oai_dc" }, ["idDoesNotExist"]],
    ["another repository's identifier", { verb: "GetRecord", identifier: "oai:eprints.soton.ac.uk:101", metadataPrefix: "oai_dc" }, ["idDoesNotExist"]],
    ["an identifier that is no identifier", { verb: "GetRecord", identifier: 'invalid"id<&>', metadataPrefix: "oai_dc" }, ["idDoesNotExist"]],
    ["an identifier with leading zeros", { verb: "GetRecord", identifier: "oai:kar.kent.ac.uk:0101", metadataPrefix: "oai_dc" }, ["idDoesNotExist"]],
    ["a huge local id", { verb: "GetRecord", identifier: "oai:kar.kent.ac.uk:99999999999", metadataPrefix: "oai_dc" }, ["idDoesNotExist"]],
    ["unknown identifier and format", { verb: "GetRecord", identifier: "oai:kar.kent.ac.uk:1", metadataPrefix: "marc21" }, ["cannotDisseminateFormat", "idDoesNotExist"]],
    ["a forged resumptionToken", { verb: "ListRecords", resumptionToken: "metadataPrefix%3Doai_dc%26offset%3D102" }, ["badResumptionToken"]],
    ["a range before the earliest datestamp", { verb: "ListRecords", metadataPrefix: "oai_dc", until: "2009-01-01" }, ["noRecordsMatch"]],
    ["a valid hex set nobody is in (EPrints: noRecordsMatch)", { verb: "ListRecords", metadataPrefix: "oai_dc", set: "7375626A656374733D5A5A" }, ["noRecordsMatch"]],
  ];
  it.each(echoed)("%s: %j (the request is echoed, escaped)", async (_name, params, codes) => {
    const xml = await valid(params);
    expect(errorsOf(xml)).toEqual(codes);
    const attrs = Object.entries({ verb: params.verb, ...params });
    expect(requestOf(xml)).toContain(`verb="${params.verb}"`);
    for (const [k, v] of attrs as [string, string][]) {
      const esc = v.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
      expect(requestOf(xml)).toContain(`${k}="${esc}"`);
    }
  });

  it("replaces characters XML cannot carry when echoing", async () => {
    const xml = await valid({ verb: "GetRecord", identifier: "oai:x:\u0001\uFFFF", metadataPrefix: "oai_dc" });
    expect(errorsOf(xml)).toEqual(["idDoesNotExist"]);
    expect(requestOf(xml)).toContain('identifier="oai:x:\uFFFD\uFFFD"');
  });

  it("answers POST with another body type with problem+json, not a 500", async () => {
    const res = await t.request({ method: "POST", url: "/cgi/oai2", headers: { "content-type": "application/json" }, payload: '{"verb":"Identify"}' });
    expect(res.statusCode).toBe(415);
  });
});
