/**
 * Content negotiation for `/id/eprint/N` over the format registry (REFERENCE.md §6.1,
 * EPrints' Apache/CRUD.pm `content_negotiate_best_plugin`). Pure functions: an Accept
 * header and the registry in, the chosen representation out.
 *
 * Every format offers its own media type, its declared aliases, a few well-known aliases
 * (below) and `application/x-eprints-export-<lower-case id>`. Hidden formats (OAI-only,
 * head tags) and list-only ones are reachable only by that last, explicit type. The abstract page
 * ("SummaryPage", qs 0.9) offers text/html and application/xhtml+xml and is what `*∕*`
 * and an absent Accept get.
 *
 * The client's q decides; among equally acceptable candidates the more specific Accept
 * range wins (an explicit `application/json` beats the `*∕*` a client lists as a
 * fallback), then EPrints' qs (plus one per matching media-type parameter, as EPrints
 * scores them), then the range the client listed first, then the plugin id.
 */
import type { ExportFormat } from "../formats/types.js";

export interface MediaType {
  type: string;
  subtype: string;
  params: Record<string, string>;
}

export interface AcceptRange extends MediaType {
  q: number;
  /** Position in the header: among equals, the range the client listed first wins. */
  index: number;
}

/** The abstract page as a negotiation candidate: EPrints' Export::SummaryPage. */
export const SUMMARY_PAGE = "SummaryPage";
const SUMMARY_PAGE_QS = 0.9;

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** `type/subtype; a=b` → parts, lower-cased (parameter values keep their case, unquoted); undefined if malformed. */
export function parseMediaType(s: string): MediaType | undefined {
  const [full, ...rest] = s.split(";");
  const m = /^\s*([^/\s]+)\/([^/\s]+)\s*$/.exec(full ?? "");
  if (!m || !TOKEN.test(m[1]!) || !TOKEN.test(m[2]!)) return undefined;
  const params: Record<string, string> = {};
  for (const p of rest) {
    const eq = p.indexOf("=");
    if (eq < 0) continue;
    const key = p.slice(0, eq).trim().toLowerCase();
    let value = p.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1).replace(/\\(.)/g, "$1");
    if (key) params[key] = value;
  }
  return { type: m[1]!.toLowerCase(), subtype: m[2]!.toLowerCase(), params };
}

/** The Accept header's ranges; malformed ranges are ignored, and none at all means `*∕*`. */
export function parseAccept(header: string | undefined): AcceptRange[] {
  const out: AcceptRange[] = [];
  // commas inside quoted parameter values are not separators
  for (const part of (header ?? "").match(/(?:[^,"]|"(?:[^"\\]|\\.)*")+/g) ?? []) {
    const mt = parseMediaType(part);
    if (!mt || (mt.type === "*" && mt.subtype !== "*")) continue;
    const { q: qRaw, ...params } = mt.params;
    let q = 1;
    if (qRaw !== undefined) {
      if (!/^(?:0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$/.test(qRaw)) continue;
      q = Number(qRaw);
    }
    out.push({ type: mt.type, subtype: mt.subtype, params, q, index: out.length });
  }
  return out.length ? out : [{ type: "*", subtype: "*", params: {}, q: 1, index: 0 }];
}

export interface Candidate {
  /** A format id, or SUMMARY_PAGE. */
  id: string;
  format?: ExportFormat;
  qs: number;
  types: MediaType[];
}

const bare = (m: MediaType) => `${m.type}/${m.subtype}`;

/**
 * The negotiation candidates the registry offers (the abstract page first). Formats for
 * which `byMediaType` is false (hidden and list-only ones) are reachable only by their
 * explicit `application/x-eprints-export-<id>` type.
 */
export function candidatesOf(
  formats: readonly ExportFormat[],
  byMediaType: (f: ExportFormat) => boolean = (f) => f.visibility === "all",
): Candidate[] {
  const out: Candidate[] = [
    {
      id: SUMMARY_PAGE,
      qs: SUMMARY_PAGE_QS,
      types: ["text/html; charset=utf-8", "application/xhtml+xml; charset=utf-8", "application/x-eprints-export-summarypage"].map(
        (t) => parseMediaType(t)!,
      ),
    },
  ];
  for (const f of formats) {
    const own = [`application/x-eprints-export-${f.id.toLowerCase()}`];
    const offered = byMediaType(f) ? [f.mediaType, ...(f.aliases ?? []), ...own] : own;
    const seen = new Set<string>();
    const types: MediaType[] = [];
    for (const t of offered) {
      const mt = parseMediaType(t);
      if (!mt || seen.has(bare(mt))) continue;
      seen.add(bare(mt));
      types.push(mt);
    }
    out.push({ id: f.id, format: f, qs: f.qs ?? 0.5, types });
  }
  return out;
}

/** 3: type/subtype, 2: type/*, 1: *∕*, 0: no match. */
function specificity(range: AcceptRange, t: MediaType): number {
  if (range.type === "*") return 1;
  if (range.type !== t.type) return 0;
  if (range.subtype === "*") return 2;
  return range.subtype === t.subtype ? 3 : 0;
}

/** Parameters of the range the offered type carries with the same value (EPrints adds one to qs for each). */
function paramMatches(range: AcceptRange, t: MediaType): number {
  let n = 0;
  for (const [k, v] of Object.entries(range.params)) if (t.params[k]?.toLowerCase() === v.toLowerCase()) n++;
  return n;
}

interface Score {
  q: number;
  specificity: number;
  qs: number;
  index: number;
}

/** How acceptable one offered type is: the q of the most specific range that matches it. */
function scoreType(ranges: readonly AcceptRange[], t: MediaType, qs: number): Score | undefined {
  let best: { range: AcceptRange; spec: number; params: number } | undefined;
  for (const range of ranges) {
    const spec = specificity(range, t);
    if (!spec) continue;
    const params = spec === 3 ? paramMatches(range, t) : 0;
    if (!best || spec > best.spec || (spec === best.spec && params > best.params)) best = { range, spec, params };
  }
  if (!best || best.range.q <= 0) return undefined;
  return { q: best.range.q, specificity: best.spec, qs: qs + best.params, index: best.range.index };
}

function better(a: Score, b: Score): boolean {
  if (a.q !== b.q) return a.q > b.q;
  if (a.specificity !== b.specificity) return a.specificity > b.specificity;
  if (a.qs !== b.qs) return a.qs > b.qs;
  return a.index < b.index;
}

export type Negotiated = { kind: "summary" } | { kind: "format"; format: ExportFormat } | { kind: "none"; available: string[] };

export function negotiate(accept: string | undefined, candidates: readonly Candidate[]): Negotiated {
  const ranges = parseAccept(accept);
  let winner: { c: Candidate; score: Score } | undefined;
  for (const c of candidates) {
    let score: Score | undefined;
    for (const t of c.types) {
      const s = scoreType(ranges, t, c.qs);
      if (s && (!score || better(s, score))) score = s;
    }
    if (!score) continue;
    if (!winner || better(score, winner.score) || (!better(winner.score, score) && c.id < winner.c.id)) winner = { c, score };
  }
  if (!winner) return { kind: "none", available: availableTypes(candidates) };
  return winner.c.format ? { kind: "format", format: winner.c.format } : { kind: "summary" };
}

/** Every media type on offer, for a 406 answer. */
export function availableTypes(candidates: readonly Candidate[]): string[] {
  return [...new Set(candidates.flatMap((c) => c.types.map(bare)))];
}
