/**
 * The benchmark's data: a deterministic generator of realistic eprints, written as EP3 XML
 * so the same file can be imported into Vellum (`POST /api/import?preserve=ids`) and into
 * EPrints (`bin/import <repoid> --enable-import-fields --update eprint XML <file>`).
 *
 * Record N depends only on (seed, N): every machine builds the same file, and the
 * benchmark can rebuild any one record (deposit bodies, expected statuses) without the
 * file. The mix: 18 types weighted as a university repository's are, 1–40 creators
 * (mostly a few, a long tail of large teams) with names from many languages, 150–300-word
 * abstracts, keywords, subjects and divisions from Vellum's default tree, DOIs, ISSNs and
 * ISBNs with valid check digits, dates as YYYY, YYYY-MM and YYYY-MM-DD, and 2 % retired.
 *
 * Command line: `tsx bench/generate.ts --records 10000 [--seed 1] [--out file.xml]`.
 */
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, writeFileSync, writeSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { EPRINT_FIELDS, eprintDir } from "../src/records/fields.js";
import { Rng } from "./random.js";
import * as V from "./vocabulary.js";

/** Bump when the records change, so cached files are rebuilt. */
export const GENERATOR_VERSION = 1;
export const RETIRED_SHARE = 0.02;
/** The meta file keeps the byte offset of every OFFSET_STEP-th record. */
export const OFFSET_STEP = 100;

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const DATA_DIR = path.join(HERE, "data");
const SUBJECTS_FILE = path.join(HERE, "..", "src", "data", "default-subjects.xml");

export const XML_HEADER = "<?xml version='1.0' encoding='utf-8'?>\n<eprints xmlns='http://eprints.org/ep2/data/2.0'>\n";
export const XML_FOOTER = "</eprints>\n";

export type GeneratedRecord = Record<string, unknown> & { eprintid: number; eprint_status: string; type: string };

/** Depositable subjects and divisions of the default tree (what a deposit form offers). */
export interface TreeChoice {
  subjects: string[];
  divisions: string[];
}

export function loadTree(file = SUBJECTS_FILE): TreeChoice {
  const xml = readFileSync(file, "utf8");
  const parent = new Map<string, string>();
  const depositable = new Set<string>();
  for (const block of xml.split("<subject ").slice(1)) {
    const id = /<subjectid>([^<]+)<\/subjectid>/.exec(block)?.[1];
    if (!id) continue;
    const p = /<parents>\s*<item>([^<]+)<\/item>/.exec(block)?.[1];
    if (p) parent.set(id, p);
    if (/<depositable>TRUE<\/depositable>/.test(block)) depositable.add(id);
  }
  // the tree a node belongs to: the ancestor named subjects or divisions
  const top = (id: string): string | undefined => {
    let cur: string | undefined = id;
    for (let i = 0; i < 32 && cur; i++) {
      if (cur === "subjects" || cur === "divisions") return cur;
      cur = parent.get(cur);
    }
    return undefined;
  };
  const subjects = [...depositable].filter((id) => top(id) === "subjects").sort();
  const divisions = [...depositable].filter((id) => top(id) === "divisions").sort();
  if (!subjects.length || !divisions.length) throw new Error(`no depositable subjects or divisions in ${file}`);
  return { subjects, divisions };
}

const STATUS_STREAM = 1;

/** The status record `index` (0-based) gets, without building the record. */
export function isRetired(seed: number, index: number): boolean {
  return Rng.forRecord(seed, index, STATUS_STREAM).next() < RETIRED_SHARE;
}

const TYPES = [
  ["article", 40],
  ["conference_item", 14],
  ["book_section", 10],
  ["thesis", 8],
  ["monograph", 8],
  ["book", 4],
  ["dataset", 3],
  ["teaching_resource", 2],
  ["other", 2],
  ["patent", 1],
  ["artefact", 1],
  ["exhibition", 1],
  ["composition", 1],
  ["performance", 1],
  ["image", 1],
  ["video", 1],
  ["audio", 1],
  ["experiment", 1],
] as const;

const FIELD_ORDER = new Map(EPRINT_FIELDS.map((f, i) => [f.name, i]));
const pad = (n: number, w = 2) => String(n).padStart(w, "0");

function asciiFold(s: string): string {
  return s
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[łŁ]/g, "l")
    .replace(/[øØ]/g, "o")
    .replace(/[þÞ]/g, "th")
    .replace(/[đĐ]/g, "d")
    .replace(/ß/g, "ss")
    .toLowerCase()
    .replace(/[^a-z]/g, "");
}

function creatorCount(rng: Rng): number {
  const r = rng.next();
  if (r < 0.2) return 1;
  if (r < 0.7) return rng.int(2, 5);
  if (r < 0.9) return rng.int(6, 10);
  return rng.int(11, 40);
}

function person(rng: Rng, withId: boolean): Record<string, unknown> {
  const name: Record<string, string> = { family: rng.pick(V.FAMILY_NAMES) };
  if (rng.chance(0.97)) name.given = rng.pick(V.GIVEN_NAMES);
  if (rng.chance(0.01)) name.lineage = rng.pick(V.LINEAGES);
  if (rng.chance(0.02)) name.honourific = rng.pick(V.HONOURIFICS);
  const p: Record<string, unknown> = { name };
  if (withId && rng.chance(0.3)) {
    const local = `${asciiFold(name.given ?? "x").slice(0, 1) || "x"}.${asciiFold(name.family!) || "author"}${rng.int(1, 99)}`;
    p.id = `${local}@${rng.pick(["kent.ac.uk", "example.ac.uk", "uni-example.de", "example.edu"])}`;
  }
  return p;
}

function fill(template: string, rng: Rng): string {
  return template.replace(/\{(\w+)\}/g, (_m, slot: string) => {
    switch (slot) {
      case "kind":
        return rng.pick(V.KINDS);
      case "verb":
        return rng.pick(V.VERBS);
      case "verb2":
        return rng.pick(V.VERBS_PLURAL);
      case "adj":
        return rng.pick(V.ADJECTIVES);
      case "noun":
      case "noun2":
        return rng.pick(V.NOUNS);
      case "topic":
      case "topic2":
        return rng.pick(V.TOPICS);
      case "place":
        return rng.pick(V.PLACES);
      case "participants":
        return rng.pick(V.PARTICIPANTS);
      case "n":
        return String(rng.int(3, 2400));
      case "year":
        return String(rng.int(1995, 2015));
      case "year2":
        return String(rng.int(2016, 2024));
      default:
        return slot;
    }
  });
}

/** 150–300 words: templated sentences, then looser ones built from the word lists. */
function abstractOf(rng: Rng): string {
  const target = rng.int(150, 300);
  const sentences: string[] = [];
  let words = 0;
  while (words < target) {
    let s: string;
    if (rng.chance(0.6)) s = fill(rng.pick(V.SENTENCE_OPENERS), rng);
    else {
      const len = rng.int(10, 24);
      const parts: string[] = [];
      for (let k = 0; k < len; k++) {
        const r = rng.next();
        parts.push(r < 0.45 ? rng.pick(V.FILLER) : r < 0.7 ? rng.pick(V.NOUNS) : r < 0.85 ? rng.pick(V.ADJECTIVES) : r < 0.95 ? rng.pick(V.TOPICS) : rng.pick(V.PLACES));
      }
      const text = parts.join(" ");
      s = `${text[0]!.toUpperCase()}${text.slice(1)}.`;
    }
    const n = s.split(" ").length;
    if (words + n > target + 8) {
      // trim the last sentence so the abstract lands in its range
      s = `${s.split(" ").slice(0, Math.max(3, target - words)).join(" ").replace(/[.,;]$/, "")}.`;
    }
    words += s.split(" ").length;
    sentences.push(s);
  }
  // a paragraph break now and then, as real abstracts have
  if (sentences.length > 6 && rng.chance(0.3)) sentences.splice(Math.floor(sentences.length / 2), 0, "\n\n");
  return sentences.join(" ").replace(/ \n\n /g, "\n\n");
}

function titleOf(rng: Rng): string {
  const topic = rng.pick(V.TOPICS);
  const forms = [
    () => `${cap(rng.pick(V.ADJECTIVES))} ${rng.pick(V.NOUNS)} of ${topic} in ${rng.pick(V.PLACES)}`,
    () => `${cap(topic)}: a ${rng.pick(V.ADJECTIVES)} ${rng.pick(V.NOUNS.filter((n) => !n.endsWith("s")))}`,
    () => `Rethinking ${topic} and ${rng.pick(V.TOPICS)}: ${rng.pick(V.NOUNS)}, ${rng.pick(V.NOUNS)} and ${rng.pick(V.NOUNS)}`,
    () => `Towards ${rng.pick(V.ADJECTIVES)} ${topic}? Evidence from ${rng.int(2, 40)} ${rng.pick(V.PARTICIPANTS)} in ${rng.pick(V.PLACES)}`,
    () => `The ${rng.pick(V.NOUNS)} of ${topic}`,
  ];
  return rng.pick(forms)();
}

function cap(s: string): string {
  return s[0]!.toUpperCase() + s.slice(1);
}

/** YYYY, YYYY-MM or YYYY-MM-DD, weighted towards recent years. */
function dateOf(rng: Rng): { date: string; year: number; month: number; day: number } {
  const year = 2025 - Math.floor(40 * rng.next() ** 2);
  const month = rng.int(1, 12);
  const day = rng.int(1, new Date(Date.UTC(year, month, 0)).getUTCDate());
  const r = rng.next();
  const date = r < 0.35 ? String(year) : r < 0.65 ? `${year}-${pad(month)}` : `${year}-${pad(month)}-${pad(day)}`;
  return { date, year, month, day };
}

function time(d: Date): string {
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

function issn(rng: Rng): string {
  const d = Array.from({ length: 7 }, () => rng.int(0, 9));
  const sum = d.reduce((s, x, i) => s + x * (8 - i), 0);
  const c = (11 - (sum % 11)) % 11;
  return `${d.slice(0, 4).join("")}-${d.slice(4).join("")}${c === 10 ? "X" : c}`;
}

function isbn13(rng: Rng): string {
  const d = [9, 7, 8, ...Array.from({ length: 9 }, () => rng.int(0, 9))];
  const sum = d.reduce((s, x, i) => s + x * (i % 2 === 0 ? 1 : 3), 0);
  const c = (10 - (sum % 10)) % 10;
  const s = [...d, c].join("");
  return `${s.slice(0, 3)}-${s.slice(3, 4)}-${s.slice(4, 9)}-${s.slice(9, 12)}-${s.slice(12)}`;
}

function doi(rng: Rng, year: number, index: number): string {
  const prefix = rng.pick(V.DOI_PREFIXES);
  const form = rng.int(0, 2);
  if (form === 0) return `${prefix}/j.${rng.pick(["jss", "socscimed", "envres", "cell", "ijnurstu"])}.${year}.${pad(rng.int(1, 12))}.${index.toString(36)}`;
  if (form === 1) return `${prefix}/s${rng.int(10000, 99999)}-${pad(year % 100)}-${index}-${rng.int(0, 9)}`;
  return `${prefix}/${rng.pick(["bmjopen", "journal.pone", "nihropenres", "ncomms"])}.${year}.${100000 + index}`;
}

function subjectsOf(rng: Rng, tree: TreeChoice): { subjects: string[]; divisions: string[] } {
  return { subjects: rng.sample(tree.subjects, rng.weighted([[1, 5], [2, 3], [3, 2]] as const)), divisions: rng.sample(tree.divisions, rng.weighted([[1, 7], [2, 3]] as const)) };
}

/** Keys in the EPrints dataset order, so the XML reads as EPrints writes it. */
function inDatasetOrder(r: Record<string, unknown>): GeneratedRecord {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(r).sort((a, b) => (FIELD_ORDER.get(a) ?? 999) - (FIELD_ORDER.get(b) ?? 999))) if (r[k] !== undefined) out[k] = r[k];
  return out as GeneratedRecord;
}

/** Record `index` (0-based; its eprintid is index + 1) of dataset `seed`. */
export function generateRecord(seed: number, index: number, tree: TreeChoice): GeneratedRecord {
  const rng = Rng.forRecord(seed, index);
  const eprintid = index + 1;
  const type = rng.weighted(TYPES);
  const { date, year } = dateOf(rng);
  const retired = isRetired(seed, index);

  // datestamp after publication (or up to 2 years before it for accepted work), lastmod after that
  const live = new Date(Date.UTC(Math.min(Math.max(year - rng.int(0, 1), 2003), 2025), rng.int(0, 11), rng.int(1, 28), rng.int(7, 19), rng.int(0, 59), rng.int(0, 59)));
  const lastmod = new Date(Math.min(live.getTime() + rng.int(0, 3 * 365) * 86400_000 + rng.int(0, 86399) * 1000, Date.UTC(2025, 11, 31)));
  const changed = retired ? new Date(lastmod.getTime() - rng.int(0, 30) * 86400_000) : live;

  const r: Record<string, unknown> = {
    eprintid,
    rev_number: rng.int(1, 6),
    eprint_status: retired ? "deletion" : "archive",
    userid: 1,
    dir: eprintDir(eprintid),
    datestamp: time(live),
    lastmod: time(lastmod),
    status_changed: time(changed < live ? live : changed),
    type,
    metadata_visibility: "show",
    title: titleOf(rng),
    abstract: abstractOf(rng),
    date,
    date_type: type === "thesis" ? "completed" : rng.chance(0.9) ? "published" : "submitted",
    full_text_status: rng.weighted([["none", 5], ["public", 4], ["restricted", 1]] as const),
    ...subjectsOf(rng, tree),
    keywords: rng.sample(V.TOPICS, rng.int(3, 8)).join(rng.chance(0.5) ? ", " : "; "),
  };
  const team = type === "thesis" ? 1 : creatorCount(rng);
  r.creators = Array.from({ length: team }, () => person(rng, true));
  if (rng.chance(0.03)) r.corp_creators = [rng.pick(["The Care Research Collaborative", "ATLAS Collaboration", "Équipe de recherche sociale"])];
  r.ispublished = type === "thesis" ? "unpub" : rng.weighted([["pub", 85], ["inpress", 5], ["submitted", 7], ["unpub", 3]] as const);
  if (rng.chance(0.05)) r.note = `Also available as a working paper (${rng.pick(V.PLACES)}, ${year}). Reproduced with permission.`;

  const withDoi = ["article", "conference_item", "book_section", "book", "dataset"].includes(type) ? rng.chance(0.75) : rng.chance(0.1);
  if (withDoi) {
    const d = doi(rng, year, index);
    r.id_number = d;
    r.official_url = `https://doi.org/${d}`;
  }

  switch (type) {
    case "article":
      r.publication = rng.pick(V.JOURNALS);
      r.volume = String(rng.int(1, 120));
      if (rng.chance(0.8)) r.number = String(rng.int(1, 12));
      if (rng.chance(0.3)) r.article_number = `e${rng.int(1000, 99999)}`;
      else {
        const from = rng.int(1, 900);
        r.pagerange = `${from}-${from + rng.int(5, 40)}`;
      }
      if (rng.chance(0.7)) r.issn = issn(rng);
      r.refereed = rng.chance(0.85);
      break;
    case "conference_item": {
      r.pres_type = rng.weighted([["paper", 6], ["poster", 2], ["keynote", 1], ["lecture", 1]] as const);
      const event = rng.pick(V.EVENTS);
      r.event_title = `${event} ${year}`;
      r.event_location = rng.pick(V.PLACES);
      r.event_dates = `${rng.int(1, 20)}-${rng.int(21, 28)} ${rng.pick(["March", "June", "September", "November"])} ${year}`;
      r.event_type = rng.weighted([["conference", 8], ["workshop", 2], ["other", 1]] as const);
      if (rng.chance(0.5)) r.publication = `Proceedings of the ${event}`;
      r.refereed = rng.chance(0.7);
      break;
    }
    case "book_section": {
      r.book_title = `Handbook of ${cap(rng.pick(V.TOPICS))}`;
      r.editors = Array.from({ length: rng.int(1, 4) }, () => person(rng, false));
      r.publisher = rng.pick(V.PUBLISHERS);
      r.place_of_pub = rng.pick(V.PUBLISHER_PLACES);
      const from = rng.int(1, 500);
      r.pagerange = `${from}-${from + rng.int(10, 40)}`;
      r.isbn = isbn13(rng);
      r.refereed = rng.chance(0.5);
      break;
    }
    case "book":
      r.publisher = rng.pick(V.PUBLISHERS);
      r.place_of_pub = rng.pick(V.PUBLISHER_PLACES);
      r.isbn = isbn13(rng);
      r.pages = rng.int(120, 640);
      if (rng.chance(0.3)) r.series = `Studies in ${cap(rng.pick(V.TOPICS))}`;
      if (rng.chance(0.2)) r.edition = rng.pick(["2nd", "3rd", "Revised"]);
      break;
    case "thesis":
      r.thesis_type = rng.weighted([["doctoral", 7], ["masters", 3]] as const);
      r.thesis_name = r.thesis_type === "doctoral" ? rng.pick(["phd", "dphil"] as const) : "other";
      r.institution = rng.pick(V.INSTITUTIONS);
      r.department = rng.pick(V.DEPARTMENTS);
      r.pages = rng.int(150, 420);
      break;
    case "monograph":
      r.monograph_type = rng.pick(["technical_report", "project_report", "working_paper", "discussion_paper", "documentation"] as const);
      r.institution = rng.pick(V.INSTITUTIONS);
      r.publisher = rng.pick(V.INSTITUTIONS);
      r.pages = rng.int(12, 160);
      break;
    case "dataset":
      r.data_type = rng.pick(["Survey data", "Interview transcripts", "Sensor readings", "Image collection"]);
      r.publisher = rng.pick(["UK Data Service", "Zenodo", "Dryad", "University of Kent"]);
      break;
    case "patent":
      r.patent_applicant = rng.pick(V.INSTITUTIONS);
      r.id_number = `GB${rng.int(2000000, 2999999)}`;
      delete r.official_url;
      break;
    case "exhibition":
    case "performance":
    case "composition":
    case "artefact":
      r.event_title = `${cap(rng.pick(V.TOPICS))}: ${rng.pick(["an exhibition", "a performance", "new work"])}`;
      r.event_location = rng.pick(V.PLACES);
      r.output_media = rng.pick(["Installation", "Live performance", "Score", "Sculpture"]);
      break;
    default:
      if (rng.chance(0.4)) r.publisher = rng.pick(V.PUBLISHERS);
  }
  if (rng.chance(0.12)) r.funders = rng.sample(V.FUNDERS, rng.int(1, 3));
  if (rng.chance(0.08)) r.projects = [`${cap(rng.pick(V.TOPICS))} (${rng.pick(["grant", "project"])} ${rng.int(100, 999)}/${year})`];
  if (rng.chance(0.1)) r.related_url = [{ url: `https://example.org/${type}/${eprintid}`, type: rng.pick(["pub", "author", "org"] as const) }];
  return inDatasetOrder(r);
}

const SYSTEM = new Set(["eprintid", "rev_number", "eprint_status", "userid", "importid", "dir", "datestamp", "lastmod", "status_changed", "item_issues_count", "sword_depositor"]);

/** What a depositor would POST for this record: its metadata, without the system fields. */
export function depositBody(r: GeneratedRecord): Record<string, unknown> {
  return Object.fromEntries(Object.entries(r).filter(([k]) => !SYSTEM.has(k)));
}

function esc(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function valueXml(v: unknown, indent: string): string {
  if (typeof v === "boolean") return v ? "TRUE" : "FALSE";
  if (typeof v === "number") return String(v);
  if (typeof v === "string") return esc(v);
  // a compound or a name: one element per part, on its own lines
  const inner = `${indent}  `;
  let out = "\n";
  for (const [k, sub] of Object.entries(v as Record<string, unknown>)) out += `${inner}<${k}>${valueXml(sub, inner)}</${k}>\n`;
  return `${out}${indent}`;
}

/** One `<eprint>` element, as EPrints' XML export lays it out. */
export function eprintXml(r: GeneratedRecord, baseUrl = "https://bench.example.org"): string {
  let out = `  <eprint id='${baseUrl}/id/eprint/${r.eprintid}'>\n`;
  for (const [k, v] of Object.entries(r)) {
    if (Array.isArray(v)) {
      out += `    <${k}>\n`;
      for (const item of v) out += `      <item>${valueXml(item, "      ")}</item>\n`;
      out += `    </${k}>\n`;
    } else out += `    <${k}>${valueXml(v, "    ")}</${k}>\n`;
  }
  return `${out}  </eprint>\n`;
}

export interface DatasetMeta {
  version: number;
  seed: number;
  records: number;
  bytes: number;
  /** offsets[k]: byte offset of record k * OFFSET_STEP; the last entry is where the footer starts */
  offsets: number[];
  /** eprintids of the retired records */
  retired: number[];
  generatedSeconds: number;
}

export interface Dataset {
  file: string;
  meta: DatasetMeta;
}

export function datasetPath(records: number, seed: number, dir = DATA_DIR): string {
  return path.join(dir, `eprints-v${GENERATOR_VERSION}-s${seed}-n${records}.xml`);
}

/** Writes the file (and its meta beside it), or reuses one built before with the same inputs. */
export function ensureDataset(records: number, seed: number, opts: { dir?: string; log?: (s: string) => void; out?: string } = {}): Dataset {
  const file = opts.out ?? datasetPath(records, seed, opts.dir);
  const metaFile = `${file}.meta.json`;
  if (existsSync(file) && existsSync(metaFile)) {
    const meta = JSON.parse(readFileSync(metaFile, "utf8")) as DatasetMeta;
    if (meta.version === GENERATOR_VERSION && meta.records === records && meta.seed === seed) return { file, meta };
  }
  mkdirSync(path.dirname(file), { recursive: true });
  const started = performance.now();
  const tree = loadTree();
  const tmp = `${file}.tmp`;
  const fd = openSync(tmp, "w");
  const offsets: number[] = [];
  const retired: number[] = [];
  let bytes = 0;
  let pending: string[] = [];
  let pendingBytes = 0;
  const flush = () => {
    if (!pending.length) return;
    writeSync(fd, pending.join(""));
    pending = [];
    pendingBytes = 0;
  };
  const put = (s: string) => {
    const n = Buffer.byteLength(s);
    pending.push(s);
    pendingBytes += n;
    bytes += n;
    if (pendingBytes > 1 << 20) flush();
  };
  try {
    put(XML_HEADER);
    for (let i = 0; i < records; i++) {
      if (i % OFFSET_STEP === 0) offsets.push(bytes);
      const r = generateRecord(seed, i, tree);
      if (r.eprint_status === "deletion") retired.push(r.eprintid);
      put(eprintXml(r));
      if (opts.log && i > 0 && i % 20000 === 0) opts.log(`generated ${i} records`);
    }
    offsets.push(bytes);
    put(XML_FOOTER);
    flush();
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
  const meta: DatasetMeta = { version: GENERATOR_VERSION, seed, records, bytes, offsets, retired, generatedSeconds: (performance.now() - started) / 1000 };
  writeFileSync(metaFile, JSON.stringify(meta));
  return { file, meta };
}

/** Byte offset where record `index` starts (index a multiple of OFFSET_STEP, or the count). */
export function offsetOf(meta: DatasetMeta, index: number): number {
  if (index === meta.records) return meta.offsets[meta.offsets.length - 1]!;
  if (index % OFFSET_STEP !== 0) throw new Error(`record ${index} is not on a ${OFFSET_STEP}-record boundary`);
  return meta.offsets[index / OFFSET_STEP]!;
}

function main(argv: string[]): void {
  const arg = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const records = Number(arg("--records") ?? 10_000);
  const seed = Number(arg("--seed") ?? 1);
  const out = arg("--out");
  if (!Number.isInteger(records) || records < 1 || !Number.isInteger(seed)) {
    process.stderr.write("usage: tsx bench/generate.ts --records N [--seed S] [--out FILE]\n");
    process.exit(2);
  }
  const { file, meta } = ensureDataset(records, seed, { out: out && path.resolve(out), log: (s) => process.stderr.write(`${s}\n`) });
  process.stdout.write(`${file}: ${meta.records} records (${meta.retired.length} retired), ${(meta.bytes / 1e6).toFixed(1)} MB\n`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main(process.argv.slice(2));
