/**
 * BibTeX → eprint metadata (EPrints' Import::BibTeX mapping, REFERENCE.md §3.8). Parsing
 * and LaTeX decoding are done by @retorquere/bibtex-parser, the parser behind Better
 * BibTeX for Zotero, rather than by hand: BibTeX's grammar and TeX's accents are a solved
 * problem.
 */
import { parse, type Creator } from "@retorquere/bibtex-parser";
import type { FieldProblem } from "../errors.js";

const TYPES: Record<string, Record<string, unknown>> = {
  article: { type: "article" },
  book: { type: "book" },
  proceedings: { type: "book" },
  conference: { type: "conference_item" },
  inproceedings: { type: "conference_item" },
  inbook: { type: "book_section" },
  incollection: { type: "book_section" },
  manual: { type: "monograph", monograph_type: "manual" },
  techreport: { type: "monograph", monograph_type: "technical_report" },
  mastersthesis: { type: "thesis", thesis_type: "masters" },
  phdthesis: { type: "thesis", thesis_type: "doctoral", thesis_name: "phd" },
  unpublished: { type: "other", ispublished: "unpub" },
  misc: { type: "other" },
};

const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

/** The parser decodes TeX accents to base letter + combining mark: store composed (NFC) text. */
const nfc = (s: string | undefined) => s?.normalize("NFC");

function person(c: Creator): { name: Record<string, string> } | undefined {
  if (c.name) return { name: { family: nfc(c.name)! } };
  const family = nfc([c.prefix, c.lastName].filter(Boolean).join(" ").trim());
  const name: Record<string, string> = {};
  if (family) name.family = family;
  if (c.firstName) name.given = nfc(c.firstName)!;
  if (c.suffix) name.lineage = nfc(c.suffix)!;
  return Object.keys(name).length ? { name } : undefined;
}

function month(m: string | undefined): string | undefined {
  if (!m) return undefined;
  const t = m.trim().toLowerCase();
  const n = /^\d{1,2}$/.test(t) ? Number(t) : MONTHS.indexOf(t.slice(0, 3)) + 1;
  return n >= 1 && n <= 12 ? String(n).padStart(2, "0") : undefined;
}

export interface BibtexCandidate {
  position: number;
  line?: number;
  data: Record<string, unknown>;
  issues: FieldProblem[];
}

export function bibtexToInputs(text: string): BibtexCandidate[] {
  const lib = parse(text, { sentenceCase: false, caseProtection: false, english: false });
  const out: BibtexCandidate[] = [];
  lib.entries.forEach((e, i) => {
    const f = e.fields as Record<string, unknown>;
    const str = (k: string) => (typeof f[k] === "string" && (f[k] as string).trim() ? nfc((f[k] as string).trim()) : undefined);
    const list = (k: string) => (Array.isArray(f[k]) ? (f[k] as string[]).map((v) => nfc(v)!) : str(k) ? [str(k)!] : []);
    const mapped = TYPES[e.type.toLowerCase()];
    const data: Record<string, unknown> = { ...(mapped ?? { type: "other" }) };
    const issues: FieldProblem[] = [];
    const creators = ((f.author as Creator[] | undefined) ?? []).map(person).filter(Boolean);
    const editors = ((f.editor as Creator[] | undefined) ?? []).map(person).filter(Boolean);
    if (creators.length) data.creators = creators;
    if (editors.length) data.editors = editors;
    const set = (field: string, v: unknown) => {
      if (v !== undefined && v !== "") data[field] = v;
    };
    set("title", str("title"));
    set("abstract", str("abstract"));
    set("keywords", list("keywords").join(", ") || undefined);
    set("publication", str("journal") ?? str("journaltitle"));
    set("volume", str("volume"));
    set("number", str("number"));
    set("pagerange", str("pages")?.replace(/\s*[-\u2013\u2014]+\s*/, "-")); // the parser turns -- into an en dash
    set("publisher", list("publisher")[0]);
    set("place_of_pub", str("address") ?? list("location")[0]);
    set("series", str("series"));
    set("edition", str("edition"));
    set("isbn", str("isbn"));
    set("issn", str("issn"));
    set("note", str("note"));
    set("id_number", str("doi"));
    set("official_url", str("url"));
    set("institution", str("school") ?? list("institution")[0] ?? list("organization")[0]);
    const booktitle = str("booktitle");
    if (booktitle) set(data.type === "conference_item" ? "event_title" : "book_title", booktitle);
    const year = str("year") ?? str("date")?.slice(0, 4);
    if (year) {
      if (!/^\d{4}$/.test(year)) issues.push({ field: "year", message: `not a year: ${year}` });
      else {
        const m = month(str("month"));
        set("date", m ? `${year}-${m}` : year);
        set("date_type", "published");
      }
    }
    out.push({ position: i + 1, data, issues });
  });
  for (const err of lib.errors) {
    out.push({ position: out.length + 1, line: (err as { line?: number }).line, data: {}, issues: [{ field: "(entry)", message: `BibTeX syntax: ${(err as { error?: string }).error ?? String(err)}` }] });
  }
  return out;
}
