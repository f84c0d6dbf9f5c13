import { createHash } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { rdfntFormat } from "../../src/formats/rdfnt.js";
import type { EPrint } from "../../src/records/schema.js";
import type { FormatContext } from "../../src/formats/types.js";
import { EXAMPLE_IDS, LIST_EXAMPLE_IDS, exampleContext, exampleRecords, fixture } from "../support/examples.js";
import { constructed } from "../support/constructed.js";
import { ntLines, rapperTriples, withCreatorIds } from "../support/rapper.js";

let records: Map<number, EPrint>;
let ctx: FormatContext;
let eprintsCtx: FormatContext;
beforeAll(async () => {
  records = await exampleRecords();
  ctx = await exampleContext();
  eprintsCtx = withCreatorIds(ctx);
});

const K = "https://kar.kent.ac.uk";
const RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
const DCT = "http://purl.org/dc/terms/";
const BIBO = "http://purl.org/ontology/bibo/";
const FOAF = "http://xmlns.com/foaf/0.1/";
const OWL = "http://www.w3.org/2002/07/owl#";
const XSD_STRING = "^^<http://www.w3.org/2001/XMLSchema#string>";
const md5 = (s: string) => createHash("md5").update(s, "utf8").digest("hex");
const isPersonLine = (l: string) => /^<[^>]*\/id\/person\//.test(l);
const sorted = (a: string[]) => [...a].sort();
const list = (r: EPrint, c: FormatContext) => rdfntFormat.list!.head(c) + rdfntFormat.list!.item(r, c, 0) + rdfntFormat.list!.tail(c, 1);
/** The record's own triples as N-Triples lines. */
const lines = (r: EPrint, c: FormatContext = ctx) => ntLines(rdfntFormat.serialize(r, c));
const triple = (s: string, p: string, o: string) => `<${s}> <${p}> ${o} .`;

describe("RDF+N-Triples export", () => {
  it("declares EPrints' plugin identity", () => {
    expect(rdfntFormat).toMatchObject({ id: "RDFNT", label: "RDF+N-Triples", mediaType: "text/plain", extension: ".nt" });
  });

  // EPrints writes the foaf:Person triples in Perl hash order; Vellum writes the people in
  // order of first appearance. Everything else is in EPrints' order, line for line.
  it.each(EXAMPLE_IDS)("record %i has EPrints' triples, in EPrints' order apart from the people", (id) => {
    const ours = lines(records.get(id)!, eprintsCtx);
    const theirs = ntLines(fixture(`RDFNT/single/${id}.nt`));
    expect(sorted(ours)).toEqual(sorted(theirs));
    expect(ours.filter((l) => !isPersonLine(l))).toEqual(theirs.filter((l) => !isPersonLine(l)));
  });

  it.each(EXAMPLE_IDS)("record %i parses, and says what EPrints' RDF+XML says", (id) => {
    const nt = rdfntFormat.serialize(records.get(id)!, eprintsCtx);
    // Strict N-Triples has no relative IRIs; EPrints' `<>` lines need a Turtle reader.
    expect(() => rapperTriples(ntLines(nt).filter((l) => !l.startsWith("<> ")).join("\n"), "ntriples")).not.toThrow();
    expect(rapperTriples(nt, "turtle")).toEqual(rapperTriples(fixture(`RDFXML/single/${id}.rdf`), "rdfxml"));
  });

  // EPrints' streaming list export loses the resource triples after a record's last
  // literal; Vellum writes them (a documented divergence).
  it.each(LIST_EXAMPLE_IDS)("record %i as a list: EPrints' list lines plus the ones its writer drops", (id) => {
    const ours = ntLines(list(records.get(id)!, eprintsCtx));
    const lastLiteral = ours.findLastIndex((l) => /" \.$|"(@[a-z-]+|\^\^<[^>]+>) \.$/.test(l));
    expect(sorted(ours.slice(0, lastLiteral + 1))).toEqual(sorted(ntLines(fixture(`RDFNT/list/${id}.nt`))));
    const single = ntLines(fixture(`RDFNT/single/${id}.nt`)).filter((l) => !l.startsWith("<> <http://xmlns.com/foaf/0.1/primaryTopic>"));
    expect(sorted(ours)).toEqual(sorted(single));
  });

  it("keeps creator ids out of person URIs unless asked", () => {
    const r = records.get(101)!;
    const nt = rdfntFormat.serialize(r, ctx);
    expect(nt).not.toContain("l.kowalski@example.ac.uk");
    expect(nt).not.toContain("0000-0001-5109-3700");
    const muller = `${K}/id/person/ext-${md5("eprintsrdf/101/Müller/Jürgen")}`;
    expect(nt).toContain(triple(`${K}/id/eprint/101#authors`, `${RDF}_1`, `<${muller}>`));
    expect(nt).toContain(triple(muller, `${FOAF}name`, `"Jürgen Müller"${XSD_STRING}`));
    // People without ids get the same URI either way.
    expect(rdfntFormat.serialize(records.get(108)!, ctx)).toBe(rdfntFormat.serialize(records.get(108)!, eprintsCtx));
  });
});

describe("RDF+N-Triples of records the examples do not cover", () => {
  const eprint = (id = 9001) => `${K}/id/eprint/${id}`;
  const org = (name: string) => `${K}/id/org/ext-${md5(`eprintsrdf/${name}`)}`;

  it("a book with editors and an ISBN is an edited book, the same as its ISBN, with its publisher", () => {
    const nt = lines(
      constructed({
        type: "book",
        title: "A Book",
        isbn: "0-19-852663-x",
        publisher: "Oxford University Press",
        creators: [{ name: { family: "Author", given: "Ann" } }],
        editors: [{ name: { family: "Editor", given: "Ed" }, id: "ed@example.org" }],
      }),
    );
    expect(nt).toContain(triple(eprint(), `${RDF}type`, `<${BIBO}EditedBook>`));
    expect(nt).not.toContain(triple(eprint(), `${RDF}type`, `<${BIBO}Book>`));
    // Lower-case x is not an ISBN digit to EPrints, which keeps only 0-9 and X.
    expect(nt).toContain(triple(eprint(), `${OWL}sameAs`, "<urn:isbn:019852663>"));
    expect(nt).toContain(triple(eprint(), `${BIBO}isbn`, '"019852663"'));
    expect(nt).toContain(triple(eprint(), `${DCT}publisher`, `<${org("Oxford University Press")}>`));
    // The ISBN branch describes the publisher a second time, as EPrints does.
    expect(nt.filter((l) => l === triple(org("Oxford University Press"), `${FOAF}name`, `"Oxford University Press"${XSD_STRING}`))).toHaveLength(2);
    const editor = `${K}/id/person/ext-${md5("eprintsrdf/9001/Editor/Ed")}`;
    expect(nt).toContain(triple(eprint(), "http://www.loc.gov/loc.terms/relators/EDT", `<${editor}>`));
    expect(nt).toContain(triple(`${eprint()}#editors`, `${RDF}_1`, `<${editor}>`));
    expect(nt.join("\n")).not.toContain("ed@example.org");
    expect(lines(constructed({ type: "book", title: "B" }))).toContain(triple(eprint(), `${RDF}type`, `<${BIBO}Book>`));
  });

  it("an ISBN makes a sameAs link only for a book", () => {
    const nt = lines(constructed({ type: "book_section", title: "C", isbn: "9780198526636" }));
    expect(nt.some((l) => l.includes("urn:isbn"))).toBe(false);
    expect(nt.some((l) => l.includes(`${BIBO}isbn`))).toBe(false);
  });

  it("a thesis is issued by its institution and department; no degree triple, as in EPrints", () => {
    const nt = lines(
      constructed({
        type: "thesis",
        title: "A Thesis",
        thesis_type: "doctoral",
        thesis_name: "phd",
        institution: "University of Kent",
        department: "School of Computing",
      }),
    );
    const inst = org("University of Kent");
    const dept = org("School of Computing, University of Kent");
    expect(nt).toContain(triple(eprint(), `${RDF}type`, `<${BIBO}Thesis>`));
    expect(nt).toContain(triple(eprint(), `${DCT}issuer`, `<${inst}>`));
    expect(nt).toContain(triple(eprint(), `${DCT}issuer`, `<${dept}>`));
    expect(nt).toContain(triple(dept, `${FOAF}name`, `"School of Computing, University of Kent"${XSD_STRING}`));
    expect(nt).toContain(triple(dept, `${DCT}isPartOf`, `<${inst}>`));
    expect(nt).toContain(triple(inst, `${DCT}hasPart`, `<${dept}>`));
    expect(nt).toContain(triple(eprint(), `${RDF}type`, "<http://eprints.org/ontology/ThesisEPrint>"));
    expect(nt.some((l) => l.includes("degree"))).toBe(false);
    // The institution only counts for theses.
    expect(lines(constructed({ type: "monograph", title: "M", institution: "University of Kent" })).some((l) => l.includes("issuer"))).toBe(false);
  });

  it("a conference item is presented at its event, placed at its location", () => {
    const fields = { type: "conference_item", title: "Talk", event_title: "Conf 2024", event_location: "Canterbury, UK", event_dates: "1-2 May 2024" };
    const nt = lines(constructed(fields));
    const event = `${K}/id/event/ext-${md5("eprintsrdf/Conf 2024/Canterbury, UK/1-2 May 2024")}`;
    const place = `${K}/id/location/ext-${md5("Canterbury, UK")}`;
    expect(nt).toContain(triple(eprint(), `${BIBO}presentedAt`, `<${event}>`));
    expect(nt).toContain(triple(event, `${RDF}type`, `<${BIBO}Conference>`));
    expect(nt).toContain(triple(event, `${DCT}title`, `"Conf 2024"${XSD_STRING}`));
    expect(nt).toContain(triple(event, "http://purl.org/NET/c4dm/event.owl#place", `<${place}>`));
    expect(nt).toContain(triple(place, "http://www.w3.org/2000/01/rdf-schema#label", `"Canterbury, UK"${XSD_STRING}`));
    expect(nt).toContain(triple(eprint(), `${RDF}type`, "<http://eprints.org/ontology/ConferenceItemEPrint>"));
    // Without a location there is no place; without a title, no event.
    const noPlace = lines(constructed({ ...fields, event_location: undefined }));
    expect(noPlace.some((l) => l.includes("event.owl#place") || l.includes("/id/location/"))).toBe(false);
    expect(noPlace).toContain(triple(eprint(), `${BIBO}presentedAt`, `<${K}/id/event/ext-${md5("eprintsrdf/Conf 2024//1-2 May 2024")}>`));
    expect(lines(constructed({ ...fields, event_title: undefined })).some((l) => l.includes("/id/event/"))).toBe(false);
  });

  it("an article in a journal with an ISSN, volume and issue, in press and not refereed", () => {
    const nt = lines(
      constructed({ type: "article", title: "T", publication: "J. Tests", issn: "1234-567X", volume: "0", number: "2", ispublished: "inpress", refereed: false }),
    );
    const journal = `${K}/id/publication/ext-1234567X`;
    expect(nt).toContain(triple(eprint(), `${RDF}type`, `<${BIBO}AcademicArticle>`));
    expect(nt).toContain(triple(eprint(), `${DCT}isPartOf`, `<${journal}>`));
    expect(nt).toContain(triple(journal, `${OWL}sameAs`, "<urn:issn:1234567X>"));
    expect(nt).toContain(triple(journal, `${BIBO}issn`, '"1234567X"'));
    expect(nt).toContain(triple(eprint(), `${BIBO}volume`, '"0"'));
    expect(nt).toContain(triple(eprint(), `${BIBO}issue`, '"2"'));
    expect(nt).toContain(triple(eprint(), `${BIBO}status`, `<${BIBO}status/forthcoming>`));
    expect(nt).toContain(triple(eprint(), `${BIBO}status`, `<${BIBO}status/nonPeerReviewed>`));
    // A journal without an ISSN is named by a hash; "submitted" and an unset refereed say nothing.
    const plain = lines(constructed({ type: "article", title: "T", publication: "J. Tests", ispublished: "submitted" }));
    expect(plain).toContain(triple(eprint(), `${DCT}isPartOf`, `<${K}/id/publication/ext-${md5("eprintsrdf/J. Tests")}>`));
    expect(plain.some((l) => l.includes(`${BIBO}status`))).toBe(false);
  });

  it.each([
    ["10.1000/abc", "https://doi.org/10.1000/abc"],
    ["doi:10.1000/abc", "https://doi.org/10.1000/abc"],
    ["https://dx.doi.org/10.1000/a%23b", "https://doi.org/10.1000/a#b"],
    ["info:doi/10.1000/xyz", "https://doi.org/10.1000/xyz"],
    ["10.1000/first second", "https://doi.org/10.1000/first"],
  ])("id_number %j is the same as %s", (idNumber, uri) => {
    expect(lines(constructed({ type: "article", title: "T", id_number: idNumber }))).toContain(triple(eprint(), `${OWL}sameAs`, `<${uri}>`));
  });

  it("an id_number that is not a DOI makes no sameAs link", () => {
    expect(lines(constructed({ type: "article", title: "T", id_number: "ISBN 12345" })).some((l) => l.includes("sameAs"))).toBe(false);
  });

  it("corporate creators, typed contributors and relations", () => {
    const nt = lines(
      constructed({
        type: "dataset",
        title: "D",
        corp_creators: ["The Consortium"],
        contributors: [
          { type: "http://www.loc.gov/loc.terms/relators/THS", name: { family: "Supervisor", given: "Sue" } },
          { name: { family: "Untyped" } },
        ],
        relation: [
          { type: "http://eprints.org/relation/hasVersion", uri: "/id/eprint/5" },
          { type: "http://purl.org/dc/terms/references", uri: "https://example.org/x y" },
          { uri: "https://example.org/no-type" },
        ],
      }),
    );
    expect(nt).toContain(triple(eprint(), `${DCT}creator`, `<${org("The Consortium")}>`));
    expect(nt).toContain(triple(org("The Consortium"), `${RDF}type`, `<${FOAF}Organization>`));
    const sue = `${K}/id/person/ext-${md5("eprintsrdf/9001/Supervisor/Sue")}`;
    expect(nt).toContain(triple(eprint(), "http://www.loc.gov/loc.terms/relators/THS", `<${sue}>`));
    expect(nt).toContain(triple(sue, `${FOAF}familyName`, `"Supervisor"${XSD_STRING}`));
    expect(nt.some((l) => l.includes("Untyped") || l.includes("no-type"))).toBe(false);
    expect(nt).toContain(triple(eprint(), "http://eprints.org/relation/hasVersion", `<${K}/id/eprint/5>`));
    expect(nt).toContain(triple(eprint(), `${DCT}references`, "<https://example.org/x%20y>"));
    // A dataset has no bibo class of its own; it is still a bibo:Article to EPrints.
    expect(nt.filter((l) => l.startsWith(`<${eprint()}> <${RDF}type>`))).toEqual([
      triple(eprint(), `${RDF}type`, `<${BIBO}Article>`),
      triple(eprint(), `${RDF}type`, "<http://eprints.org/ontology/EPrint>"),
      triple(eprint(), `${RDF}type`, "<http://eprints.org/ontology/DatasetEPrint>"),
    ]);
  });

  it("subjects the repository knows become SKOS concepts; divisions and unknown ids do not", () => {
    const nt = lines(constructed({ type: "article", title: "T", subjects: ["QA76", "NOPE"], divisions: ["kent_cs"] }));
    expect(nt).toContain(triple(eprint(), `${DCT}subject`, `<${K}/id/subject/QA76>`));
    expect(nt).toContain(triple(`${K}/id/subject/QA76`, "http://www.w3.org/2004/02/skos/core#prefLabel", '"QA76 Computer software"@en'));
    expect(nt.some((l) => l.includes("NOPE") || l.includes("kent_cs"))).toBe(false);
  });

  it("a record without a title describes its abstract page by type and id", () => {
    const nt = lines(constructed({ type: "teaching_resource", eprintid: 77 }));
    expect(nt).toContain(triple(`${K}/id/eprint/77/`, "http://purl.org/dc/elements/1.1/title", '"HTML Summary of #77 \\n\\nTeaching Resource #77\\n\\n"'));
    expect(nt).toContain(triple(`${K}/id/eprint/77`, `${RDF}type`, "<http://eprints.org/ontology/TeachingResourceEPrint>"));
    expect(nt.some((l) => l.includes(`${DCT}title`))).toBe(false);
  });

  it("escapes odd characters in literals and IRIs so the document parses", () => {
    const title = 'Quotes " and \\ backslash,\ttab,\r\nnewline, <angle> & ampersand';
    const r = constructed({ type: "article", title, creators: [{ name: { family: "Ö'Brien" }, id: "a b@example.org" }] });
    const nt = rdfntFormat.serialize(r, withCreatorIds(ctx));
    expect(nt).toContain('"Quotes \\" and \\\\ backslash,\\ttab,\\r\\nnewline, <angle> & ampersand"');
    expect(nt).toContain(`<${K}/id/person/ext-a%20b@example.org>`);
    const triples = rapperTriples(nt, "turtle");
    expect(triples).toContain(triple(eprint(), `${DCT}title`, `"${title.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\t/g, "\\t").replace(/\r/g, "\\r").replace(/\n/g, "\\n")}"${XSD_STRING}`));
  });
});
