import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { xmlFormat } from "../../src/formats/xml.js";
import { EXAMPLE_IDS, exampleContext, fixture } from "../support/examples.js";
import { testApp, type TestApp } from "../support/app.js";

let t: TestApp;
beforeAll(async () => {
  t = await testApp();
});
afterAll(async () => t?.close());

const XML = "application/vnd.eprints.data+xml";
const post = (payload: string, as: "admin" | "alice" | "anonymous", qs = "", type = XML) =>
  t.request({ method: "POST", url: `/api/import${qs}`, payload, headers: { "content-type": type }, as });

describe("EP3 XML import", () => {
  it("round-trips every example: EPrints' export → import keeping ids → export gives the same bytes", async () => {
    const ctx = await exampleContext();
    for (const id of EXAMPLE_IDS) {
      const res = await post(fixture(`XML/single/${id}.xml`), "admin", "?preserve=ids");
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({ kind: "eprints", created: [id], failed: [] });
      const stored = (await t.services.eprints.load(id))!;
      expect(xmlFormat.serialize(stored, ctx)).toBe(fixture(`XML/single/${id}.xml`));
    }
  });

  it("keeps ids, dates, status and owner with preserve=ids (admins only)", async () => {
    expect((await post(fixture("input.xml"), "alice", "?preserve=ids")).statusCode).toBe(403);
    const res = (await post(fixture("input.xml"), "admin", "?preserve=ids")).json();
    expect(res.created.sort()).toEqual([...EXAMPLE_IDS].sort());
    const r = (await t.services.eprints.load(101))!;
    expect(r).toMatchObject({ eprintid: 101, eprint_status: "archive", userid: 2, datestamp: "2019-08-01 09:00:00", lastmod: "2020-02-03 10:11:12" });
    // 101's ISBN has a wrong check digit in the source data: imported, with a warning
    expect(res.warnings.find((w: { eprintid: number }) => w.eprintid === 101).errors[0].field).toBe("isbn");
  });

  it("makes a depositor's import into new inbox items they own, ignoring ids in the file", async () => {
    const res = (await post(fixture("XML/single/109.xml"), "alice")).json();
    expect(res.created).toHaveLength(1);
    expect(res.created[0]).not.toBe(109);
    const r = (await t.services.eprints.load(res.created[0]))!;
    expect(r).toMatchObject({ eprint_status: "inbox", userid: t.users.alice, rev_number: 1, title: "Quoting \"CSV\" fields, commas, and 'apostrophes': a preprint" });
    expect(r.datestamp).toBeUndefined();
  });

  it("reports a bad record with its position and imports the others", async () => {
    const doc = `<?xml version="1.0"?>
<eprints xmlns="http://eprints.org/ep2/data/2.0">
  <eprint><type>article</type><title>Good one</title></eprint>
  <eprint><type>blogpost</type><title>Bad type</title></eprint>
  <eprint><type>article</type><title>Bad date</title><date>2021-02-30</date></eprint>
  <eprint><type>article</type><colour>red</colour></eprint>
  <eprint><type>book</type><title>Good two</title><refereed>TRUE</refereed></eprint>
</eprints>`;
    const res = (await post(doc, "alice")).json();
    expect(res.created).toHaveLength(2);
    expect(res.failed.map((f: { position: number; errors: { field: string }[] }) => [f.position, f.errors[0]!.field])).toEqual([
      [2, "type"],
      [3, "date"],
      [4, "colour"],
    ]);
    expect(res.failed[0].line).toBe(4);
  });

  it("stops at malformed XML, keeps what came before and says where", async () => {
    const before = (await t.request({ method: "GET", url: "/api/eprints?limit=1", as: "admin" })).json().total;
    const doc = `<eprints xmlns="http://eprints.org/ep2/data/2.0"><eprint><type>article</type><title>Kept</title></eprint><eprint><type>article</type><title>Broken</titel></eprint></eprints>`;
    const raw = await post(doc, "alice");
    expect(raw.statusCode, raw.body).toBe(200);
    const res = raw.json();
    expect(res.created).toHaveLength(1);
    expect(res.aborted.message).toMatch(/malformed XML/);
    const after = (await t.request({ method: "GET", url: "/api/eprints?limit=1", as: "admin" })).json().total;
    expect(after).toBe(before + 1);
  });

  it("refuses DTDs, so no entity can expand or reach outside", async () => {
    const xxe = `<?xml version="1.0"?><!DOCTYPE eprints [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><eprints><eprint><type>article</type><title>&xxe;</title></eprint></eprints>`;
    const res = (await post(xxe, "alice")).json();
    expect(res.created).toEqual([]);
    expect(res.aborted.message).toMatch(/DTD/);
  });

  it("needs a login and a known content type", async () => {
    expect((await post(fixture("XML/single/108.xml"), "anonymous")).statusCode).toBe(401);
    expect((await post("x", "alice", "", "text/plain")).statusCode).toBe(415);
  });

  it("imports subjects and users documents (admin)", async () => {
    const subjects = `<subjects xmlns="http://eprints.org/ep2/data/2.0"><subject><subjectid>kent_new</subjectid><rev_number>1</rev_number><name><item><name>New Centre</name><lang>en</lang></item></name><parents><item>kent_cs</item></parents><depositable>TRUE</depositable></subject></subjects>`;
    const res = (await post(subjects, "admin")).json();
    expect(res).toMatchObject({ kind: "subjects", imported: ["kent_new"] });
    expect((await t.request({ method: "GET", url: "/api/subjects/kent_new" })).json().ancestors.map((a: { subjectid: string }) => a.subjectid)).toContain("kent_cs");
    const users = fixture("users.xml").replace(/<userid>2<\/userid>/, "<userid>902</userid>").replace(/<userid>3<\/userid>/, "<userid>903</userid>");
    const u = (await post(users, "admin", "?preserve=ids")).json();
    expect(u).toMatchObject({ kind: "users", imported: [902, 903] });
  });
});

describe("BibTeX import", () => {
  it("maps EPrints' own BibTeX back to a record", async () => {
    const res = await post(fixture("BibTeX/single/101.bib"), "alice", "", "application/x-bibtex");
    expect(res.statusCode, res.body).toBe(200);
    const r = (await t.services.eprints.load(res.json().created[0]))!;
    expect(r).toMatchObject({
      type: "book_section",
      title: "Welfare regimes and the politics of care: Müller, Ó Súilleabháin and Łódź revisited",
      book_title: "Handbook of Comparative Social Policy",
      pagerange: "123-145",
      date: "2019-07",
      publisher: "Edward Elgar",
      place_of_pub: "Cheltenham",
    });
    expect(r.creators!.map((c) => c.name)).toEqual([
      { family: "Müller", given: "Jürgen" },
      { family: "Ó Súilleabháin", given: "Seán" },
      { family: "Zoë", given: "Anaïs" },
      { family: "Kowalski", given: "Łukasz" },
    ]);
    // EPrints writes editors "Given Family", so BibTeX itself cannot tell a compound surname
    // from a given name: the full name survives, the split is BibTeX's
    expect(r.editors!.map((c) => `${c.name.given} ${c.name.family}`)).toEqual(["María José García Márquez", "Anne Brontë"]);
  });

  it("reports a syntax error without a 500", async () => {
    const res = await post("@article{broken, title = {unclosed", "alice", "", "application/x-bibtex");
    expect(res.statusCode).toBe(200);
    expect(res.json().failed.length).toBeGreaterThan(0);
  });
});
