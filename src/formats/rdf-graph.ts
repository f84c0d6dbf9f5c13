/**
 * The RDF graph EPrints 3.4.7 describes an eprint with, shared by RDF+XML, RDF+N3 and
 * RDF+N-Triples. EPrints builds it from triggers in lib/cfg.d/rdf_triples_*.pl (run in file
 * name order: bibo, eprints, formats, skos) plus the boilerplate of rdf_triples_general.pl;
 * this module builds the same triples in the same order, so N-Triples, which writes them as
 * made, follows EPrints line for line. The one place EPrints' own order is Perl hash order
 * (the foaf:Person descriptions) Vellum writes the people in order of first appearance:
 * creators, then editors, then contributors.
 *
 * Terms are written as EPrints writes them internally, `<absolute-uri>` or `prefix:local`,
 * because each serialisation decides from that notation whether to abbreviate.
 *
 * EPrints behaviours kept on purpose (each a bug or oddity, none loses data):
 * - a book section with an ISBN describes its publisher twice (the ISBN branch does it for
 *   any type), and the event triggers fire for any type with an event_title;
 * - `bibo:degree`, `bibo:pageStart`/`pageEnd` and the book-chapter ISBN link are never
 *   written: the config tests `thesis_type` for "phd" (a thesis_name value), a field called
 *   `page_range` and a type called `book_chapter`, none of which exist;
 * - a creator without a given name is named " Family" (foaf:name is "given family").
 * Deliberate divergences:
 * - creator and editor ids (usually e-mail addresses) are not put in person URIs unless the
 *   `exportCreatorIds` option asks for EPrints' behaviour (see creator-ids.ts);
 * - characters that cannot appear in an IRI are percent-encoded where EPrints writes
 *   them raw and so produces unparseable N-Triples/N3;
 * - a relation or contributor without a type, which EPrints writes as the predicate `<>`,
 *   is left out.
 * Documents are not part of Vellum's record, so the document triples (ep:hasDocument and
 * the like) do not arise.
 */
import { createHash } from "node:crypto";
import type { EPrint, Creator, Contributor } from "../records/schema.js";
import type { FormatContext } from "./types.js";
import { creatorIdsPublic } from "./creator-ids.js";
import { briefCitationNodes } from "./brief-citation.js";
import { escapeText } from "./xml-tree.js";
import { abstractPageUrl } from "./eprint-urls.js";
import { parseDoi } from "./eprints-doi.js";

export interface Triple {
  subject: string;
  predicate: string;
  object: string;
  /** Absent: the object is a resource. `literal`: a plain literal. Otherwise its datatype, e.g. `xsd:string`. */
  type?: string;
  lang?: string;
}

/**
 * `$c->{rdf}->{xmlns}`. EPrints writes the prefixes in Perl hash order; Vellum uses the
 * order every one of the example exports shows, so the prefix block matches them byte for byte.
 */
export function rdfNamespaces(ctx: FormatContext): readonly (readonly [prefix: string, uri: string])[] {
  return [
    ["void", "http://rdfs.org/ns/void#"],
    ["event", "http://purl.org/NET/c4dm/event.owl#"],
    ["eprel", "http://eprints.org/relation/"],
    ["cc", "http://creativecommons.org/ns#"],
    ["dct", "http://purl.org/dc/terms/"],
    ["owl", "http://www.w3.org/2002/07/owl#"],
    ["skos", "http://www.w3.org/2004/02/skos/core#"],
    ["geo", "http://www.w3.org/2003/01/geo/wgs84_pos#"],
    ["dc", "http://purl.org/dc/elements/1.1/"],
    ["rdf", "http://www.w3.org/1999/02/22-rdf-syntax-ns#"],
    ["ep", "http://eprints.org/ontology/"],
    ["doi", "https://doi.org/"],
    ["bibo", "http://purl.org/ontology/bibo/"],
    ["epid", `${ctx.repo.baseUrl}/id/`],
    ["foaf", "http://xmlns.com/foaf/0.1/"],
    ["rdfs", "http://www.w3.org/2000/01/rdf-schema#"],
    ["xsd", "http://www.w3.org/2001/XMLSchema#"],
  ];
}

/** `$c->{rdf}->{bibo_type}`; types without an entry get no bibo class of their own. */
const BIBO_TYPE: Partial<Record<EPrint["type"], string>> = {
  article: "bibo:AcademicArticle",
  book_section: "bibo:BookSection",
  monograph: "bibo:Manuscript",
  conference_item: "bibo:AcademicArticle",
  book: "bibo:Book",
  thesis: "bibo:Thesis",
  patent: "bibo:Patent",
  composition: "<http://purl.org/ontology/mo/MusicalWork>",
  performance: "bibo:Performance",
  image: "bibo:Image",
  video: "bibo:AudioVisualDocument",
  audio: "bibo:AudioDocument",
};

/** bibo:status for ispublished; "submitted" has none. */
const BIBO_STATUS: Partial<Record<NonNullable<EPrint["ispublished"]>, string>> = {
  pub: "published",
  inpress: "forthcoming",
  unpub: "unpublished",
};

/** EPrints 3.4.7's editor predicate (later versions use id.loc.gov/vocabulary/relators/edt). */
const EDITOR_PREDICATE = "<http://www.loc.gov/loc.terms/relators/EDT>";

const LICENSE_COMMENT = "The repository administrator has not yet configured an RDF license.";

const md5 = (s: string) => createHash("md5").update(s, "utf8").digest("hex");

/** Percent-encodes what an IRI may not contain (EPrints only encodes `< > CR LF`). */
export function iriEscape(s: string): string {
  return s.replace(/[\x00-\x20<>"{}|^`\\]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`);
}

/** URI::Escape::uri_escape: everything but RFC 3986 unreserved characters, as UTF-8 bytes. */
export function uriEscape(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

const eprintUri = (r: EPrint, ctx: FormatContext) => `${ctx.repo.baseUrl}/id/eprint/${r.eprintid}`;

/** `$c->{rdf}->{org_uri}` */
const orgUri = (name: string) => `epid:org/ext-${md5(`eprintsrdf/${name}`)}`;

/** `$c->{rdf}->{person_uri}`: the id when there is one (and it may be shown), else a hash of the name. */
function personUri(r: EPrint, p: Creator | Contributor, ctx: FormatContext): string {
  if (p.id && creatorIdsPublic(ctx)) return `epid:person/ext-${iriEscape(p.id)}`;
  return `epid:person/ext-${md5(`eprintsrdf/${r.eprintid}/${p.name.family ?? ""}/${p.name.given ?? ""}`)}`;
}

/** `$c->{rdf}->{publication_uri}`: the ISSN's digits when there is one, else a hash of the title. */
function publicationUri(r: EPrint): string {
  if (r.issn) return `epid:publication/ext-${r.issn.replace(/[^0-9X]/g, "")}`;
  return `epid:publication/ext-${md5(`eprintsrdf/${r.publication}`)}`;
}

/** rdf_triples_general.pl: said once per document, whatever it holds. */
export function boilerplateTriples(): Triple[] {
  return [{ subject: "<>", predicate: "rdfs:comment", object: LICENSE_COMMENT, type: "xsd:string" }];
}

/** What a one-record export describes: the boilerplate, that the document is about the record, the record. */
export function singleRecordGraph(r: EPrint, ctx: FormatContext): Triple[] {
  return [
    ...boilerplateTriples(),
    { subject: "<>", predicate: "foaf:primaryTopic", object: `<${eprintUri(r, ctx)}>` },
    ...eprintTriples(r, ctx),
  ];
}

/** Every triple EPrints' eprint RDF triggers add for a record, in trigger order, duplicates kept. */
export function eprintTriples(r: EPrint, ctx: FormatContext): Triple[] {
  const g: Triple[] = [];
  const add = (subject: string, predicate: string, object: string, type?: string, lang?: string) => {
    const t: Triple = { subject, predicate, object };
    if (type !== undefined) t.type = type;
    if (lang !== undefined) t.lang = lang;
    g.push(t);
  };
  const base = ctx.repo.baseUrl;
  const me = `<${eprintUri(r, ctx)}>`;
  const org = (uri: string, name: string) => {
    add(uri, "rdf:type", "foaf:Organization");
    add(uri, "foaf:name", name, "xsd:string");
  };

  // rdf_triples_bibo.pl, main object
  let bibo = BIBO_TYPE[r.type];
  if (bibo === "bibo:Book" && r.editors?.length) bibo = "bibo:EditedBook";
  if (bibo) add(me, "rdf:type", bibo);
  add(me, "rdf:type", "bibo:Article");
  if (r.title) add(me, "dct:title", r.title, "xsd:string");
  if (r.abstract) add(me, "bibo:abstract", r.abstract, "xsd:string");
  // Not xsd:date: the value may be just a year.
  if (r.date) add(me, "dct:date", r.date, "literal");
  if (r.type === "thesis" && r.institution) {
    const inst = orgUri(r.institution);
    org(inst, r.institution);
    add(me, "dct:issuer", inst);
    if (r.department) {
      const deptName = `${r.department}, ${r.institution}`;
      const dept = orgUri(deptName);
      org(dept, deptName);
      add(dept, "dct:isPartOf", inst);
      add(me, "dct:issuer", dept);
      add(inst, "dct:hasPart", dept);
    }
  }
  // The DOI object stringifies as `doi:10.reg/suffix`, a prefixed name.
  const doi = r.id_number === undefined ? undefined : parseDoi(r.id_number);
  if (doi) add(me, "owl:sameAs", `doi:10.${iriEscape(doi.reg)}/${iriEscape(doi.dss)}`);
  if (r.volume) add(me, "bibo:volume", r.volume, "literal");
  if (r.number) add(me, "bibo:issue", r.number, "literal");
  if (r.isbn) {
    const isbn = r.isbn.replace(/[^0-9X]/g, "");
    if (r.type === "book") {
      add(me, "owl:sameAs", `<urn:isbn:${isbn}>`);
      add(me, "bibo:isbn", isbn, "literal");
    }
    if (r.publisher) org(orgUri(r.publisher), r.publisher);
  }
  if (r.publisher) {
    const pub = orgUri(r.publisher);
    org(pub, r.publisher);
    add(me, "dct:publisher", pub);
  }
  if (r.publication) {
    const pub = publicationUri(r);
    add(pub, "rdf:type", "bibo:Collection");
    add(pub, "foaf:name", r.publication, "xsd:string");
    add(me, "dct:isPartOf", pub);
    if (r.issn) {
      const issn = r.issn.replace(/[^0-9X]/g, "");
      add(pub, "owl:sameAs", `<urn:issn:${issn}>`);
      add(pub, "bibo:issn", issn, "literal");
    }
  }
  const statuses: string[] = [];
  if (r.refereed !== undefined) statuses.push(r.refereed ? "peerReviewed" : "nonPeerReviewed");
  const pubStatus = r.ispublished && BIBO_STATUS[r.ispublished];
  if (pubStatus) statuses.push(pubStatus);
  for (const s of statuses) add(me, "bibo:status", `<http://purl.org/ontology/bibo/status/${s}>`);

  // rdf_triples_bibo.pl, contributors
  const people = new Map<string, Creator | Contributor>();
  const authors = `<${eprintUri(r, ctx)}#authors>`;
  (r.creators ?? []).forEach((c, i) => {
    const uri = personUri(r, c, ctx);
    add(me, "dct:creator", uri);
    add(me, "bibo:authorList", authors);
    add(authors, `rdf:_${i + 1}`, uri);
    people.set(uri, c);
  });
  const editors = `<${eprintUri(r, ctx)}#editors>`;
  (r.editors ?? []).forEach((e, i) => {
    const uri = personUri(r, e, ctx);
    add(me, EDITOR_PREDICATE, uri);
    add(me, "bibo:editorList", editors);
    add(editors, `rdf:_${i + 1}`, uri);
    people.set(uri, e);
  });
  for (const c of r.contributors ?? []) {
    if (!c.type) continue;
    const uri = personUri(r, c, ctx);
    add(me, `<${c.type}>`, uri);
    people.set(uri, c);
  }
  for (const [uri, p] of people) {
    const given = p.name.given ?? "";
    const family = p.name.family ?? "";
    add(uri, "rdf:type", "foaf:Person");
    add(uri, "foaf:givenName", given, "xsd:string");
    add(uri, "foaf:familyName", family, "xsd:string");
    add(uri, "foaf:name", `${given} ${family}`, "xsd:string");
  }
  for (const corp of r.corp_creators ?? []) {
    const uri = orgUri(corp);
    org(uri, corp);
    add(me, "dct:creator", uri);
  }

  // rdf_triples_bibo.pl, event: meant for conference items, but its type test never fails.
  if (r.event_title) {
    const event = `epid:event/ext-${md5(`eprintsrdf/${r.event_title}/${r.event_location ?? ""}/${r.event_dates ?? ""}`)}`;
    add(me, "rdf:type", "bibo:Article");
    add(me, "bibo:presentedAt", event);
    add(event, "rdf:type", "bibo:Conference");
    add(event, "dct:title", r.event_title, "xsd:string");
    if (r.event_location) {
      const place = `epid:location/ext-${md5(r.event_location)}`;
      add(event, "event:place", place);
      add(event, "rdf:type", "event:Event");
      add(event, "event:place", place);
      add(place, "rdf:type", "geo:SpatialThing");
      add(place, "rdfs:label", r.event_location, "xsd:string");
    }
  }

  // rdf_triples_eprints.pl
  for (const rel of r.relation ?? []) {
    if (!rel.type || !rel.uri) continue;
    const uri = rel.uri.startsWith("/") ? base + rel.uri : rel.uri;
    let pred = `<${iriEscape(rel.type)}>`;
    if (rel.type.startsWith("http://eprints.org/ontology/")) pred = `ep:${iriEscape(rel.type.slice(28))}`;
    else if (rel.type.startsWith("http://eprints.org/relation/")) pred = `eprel:${iriEscape(rel.type.slice(28))}`;
    add(me, pred, `<${iriEscape(uri)}>`);
  }
  add(me, "rdf:type", "ep:EPrint");
  const camel = r.type.replace(/^./, (c) => c.toUpperCase()).replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
  add(me, "rdf:type", `ep:${camel}EPrint`);
  add(me, "dct:isPartOf", `<${base}/id/repository>`);

  // rdf_triples_formats.pl: the abstract page
  const page = `<${abstractPageUrl(r, ctx)}>`;
  add(me, "rdfs:seeAlso", page);
  // The citation goes in as EPrints::XML::to_string wrote it, XML escapes and all.
  add(page, "dc:title", `HTML Summary of #${r.eprintid} ${briefCitationNodes(r).map(escapeText).join("")}`, "literal");
  add(page, "dc:format", "text/html", "literal");
  add(page, "foaf:primaryTopic", me);

  // rdf_triples_skos.pl: subjects (not divisions) the repository knows
  for (const id of r.subjects ?? []) {
    const subject = ctx.subjects.get(id);
    if (!subject) continue;
    const uri = `<${base}/id/subject/${uriEscape(id)}>`;
    add(uri, "rdf:type", "skos:Concept");
    for (const n of subject.name) add(uri, "skos:prefLabel", n.name, "literal", n.lang);
    add(me, "dct:subject", uri);
  }
  return g;
}

export interface Description {
  subject: string;
  properties: { predicate: string; objects: Triple[] }[];
}

/**
 * EPrints' "sensible sort": every run of digits compares as a ten-digit hexadecimal number,
 * so `rdf:_2` sorts before `rdf:_10`; the rest compares by code point.
 */
function sortKey(s: string): string {
  return s.replace(/[0-9]+/g, (d) => {
    const n = BigInt(d);
    const max = (1n << 64n) - 1n; // Perl's %X clamps beyond an unsigned 64-bit integer
    return (n > max ? max : n).toString(16).toUpperCase().padStart(10, "0");
  });
}

function codePointCompare(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i]!.codePointAt(0)! - y[i]!.codePointAt(0)!;
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

/** Sensible order, ties (equal once digits are rewritten) broken by the raw text. */
function sensible<T>(items: T[], key: (t: T) => string, tie: (t: T) => string): T[] {
  return items
    .map((t) => ({ t, k: sortKey(key(t)), raw: tie(t) }))
    .sort((a, b) => codePointCompare(a.k, b.k) || codePointCompare(a.raw, b.raw))
    .map((x) => x.t);
}

const objectKey = (t: Triple) => `${t.object}^^${t.type ?? ""}@${t.lang ?? ""}`;

/**
 * The graph grouped by subject and predicate with duplicates dropped, in EPrints' sensible
 * order (the order RDF+XML and RDF+N3 write).
 */
export function describe(triples: readonly Triple[]): Description[] {
  const bySubject = new Map<string, Map<string, Map<string, Triple>>>();
  for (const t of triples) {
    let preds = bySubject.get(t.subject);
    if (!preds) bySubject.set(t.subject, (preds = new Map()));
    let objs = preds.get(t.predicate);
    if (!objs) preds.set(t.predicate, (objs = new Map()));
    objs.set(objectKey(t), t);
  }
  return sensible([...bySubject.keys()], (s) => s, (s) => s).map((subject) => {
    const preds = bySubject.get(subject)!;
    return {
      subject,
      properties: sensible([...preds.keys()], (p) => p, (p) => p).map((predicate) => ({
        predicate,
        objects: sensible([...preds.get(predicate)!.values()], (t) => t.object, objectKey),
      })),
    };
  });
}

/** N-Triples/N3 string body: backslash, quote, LF, CR and tab escaped, as EPrints does. */
export function escapeLiteral(s: string): string {
  return s.replace(/[\\"\n\r\t]/g, (c) => ({ "\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t" })[c]!);
}
