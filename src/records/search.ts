/**
 * Search and listing over the whole repository: one query builder (parameters → WHERE,
 * ORDER BY and keyset) behind the list API, the browse views, bulk export of a search and
 * facet counts.
 *
 * - Full text runs on `eprint.search`, a weighted tsvector the database keeps itself
 *   (migration 20261126030000_search: title above creators and keywords above abstract above
 *   publication and subject names; accents folded, English stemming). When a subject is
 *   renamed, a trigger rewrites the documents of the records filed under it, so a search
 *   for the new name finds them at once (and the old name no longer does).
 * - Exact filters on creators (name or ORCID), keywords, publication and DOI use
 *   `eprint.filter_keys`, normalised keys under a GIN index kept by the same trigger.
 * - Every sort ends with eprintid, so the order is total, and pages continue from the last
 *   row's sort key (keyset), never with OFFSET: page 10,000 costs what page 1 costs. Records
 *   without a date, title or datestamp come after all the others in both directions.
 * - `total` is exact up to `exactTotalLimit` matches; above that it is the planner's
 *   estimate, flagged with `total_estimated: true`.
 *
 * Who sees what (as EPrints' search and views): anonymous callers see live records whose
 * metadata_visibility is `show`; a depositor also sees all of their own records; editors
 * and admins see everything, whatever its status or visibility.
 */
import { createHash } from "node:crypto";
import type pg from "pg";
import { z } from "zod";
import { isStaff, useridOf, type Viewer } from "../accounts/viewer.js";
import type { Database } from "../db/index.js";
import { problems } from "../errors.js";
import type { TokenSigner } from "./cursor.js";
import { DATE_TYPES, EPRINT_STATUSES, EPRINT_TYPES, ISPUBLISHED } from "./fields.js";
import { viewFor } from "./policy.js";
import type { EPrint } from "./schema.js";
import { MAX_QUERY_LENGTH, MAX_TERMS, parseQuery, termCount, tsqueryExpression } from "./search-text.js";
import type { SubjectStore } from "./subject-store.js";
import type { SubjectTree } from "./subjects.js";
import { ordered } from "./store.js";
import { dateProblem, normaliseOrcid, parseDoi } from "./validators.js";

export const SORTS = ["relevance", "eprintid", "-eprintid", "date", "-date", "lastmod", "-lastmod", "datestamp", "-datestamp", "title", "-title"] as const;
export type Sort = (typeof SORTS)[number];
export const FACETS = ["type", "year", "subject", "division", "ispublished"] as const;
export type Facet = (typeof FACETS)[number];

/** Subject and division ids as the subject API accepts them. */
const SUBJECT_ID = /^[A-Za-z0-9_.:-]{1,128}$/;
const MAX_LIST = 100;
/** Subject and division facets list this many values at most (the largest counts). */
export const SUBJECT_FACET_SIZE = 200;

function splitList(s: string): string[] {
  return s
    .split(",")
    .map((x) => x.trim())
    .filter(Boolean);
}

/** A comma-separated list of values from `allowed`. */
function oneOf<T extends string>(allowed: readonly T[], what: string) {
  return z
    .string()
    .transform((s, ctx) => {
      const parts = splitList(s);
      const bad = parts.filter((p) => !(allowed as readonly string[]).includes(p));
      if (!parts.length || bad.length) {
        ctx.addIssue({ code: "custom", message: `${bad.length ? `unknown ${what} ${bad.join(", ")}` : "empty"}: one or more of ${allowed.join(", ")}, separated by commas` });
        return z.NEVER;
      }
      return [...new Set(parts)] as T[];
    })
    .meta({ description: `one or more of ${allowed.join(", ")}, separated by commas (any of them matches)` });
}

function ids(what: string) {
  return z
    .string()
    .transform((s, ctx) => {
      const parts = splitList(s);
      if (!parts.length || parts.length > MAX_LIST || parts.some((p) => !SUBJECT_ID.test(p))) {
        ctx.addIssue({ code: "custom", message: `one to ${MAX_LIST} ${what} ids, separated by commas` });
        return z.NEVER;
      }
      return [...new Set(parts)];
    })
    .meta({ description: `${what} ids, separated by commas (any matches); each includes everything below it in the tree` });
}

/** YYYY, YYYY-MM or YYYY-MM-DD. */
const partialDate = z.string().transform((s, ctx) => {
  const p = dateProblem(s);
  if (p) {
    ctx.addIssue({ code: "custom", message: p });
    return z.NEVER;
  }
  return s;
});

export interface Instant {
  /** ISO 8601 with zone (UTC when none was given). */
  iso: string;
  /** Given as a date alone: a lower bound starts the day, an upper bound ends it. */
  dateOnly: boolean;
}

const INSTANT = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;

export function parseInstant(s: string): Instant | undefined {
  const m = INSTANT.exec(s.trim());
  if (!m || dateProblem(m[1]!)) return undefined;
  if (m[2] === undefined) return { iso: `${m[1]}T00:00:00Z`, dateOnly: true };
  if (Number(m[2]) > 23 || Number(m[3]) > 59 || Number(m[4] ?? 0) > 59) return undefined;
  const zone = m[6] ? (m[6].toUpperCase() === "Z" ? "Z" : m[6].includes(":") ? m[6] : `${m[6].slice(0, 3)}:${m[6].slice(3)}`) : "Z";
  const iso = `${m[1]}T${m[2]}:${m[3]}:${m[4] ?? "00"}${m[5] ?? ""}${zone}`;
  return Number.isNaN(Date.parse(iso)) ? undefined : { iso, dateOnly: false };
}

const instant = z
  .string()
  .transform((s, ctx) => {
    const i = parseInstant(s);
    if (!i) {
      ctx.addIssue({ code: "custom", message: "must be an ISO 8601 date (YYYY-MM-DD) or date-time (YYYY-MM-DDThh:mm:ssZ; UTC when no zone is given)" });
      return z.NEVER;
    }
    return i;
  })
  .meta({ description: "ISO 8601 date or date-time (UTC unless a zone is given); bounds are inclusive, a date alone covers the whole day" });

/**
 * The search parameters, shared by GET /api/eprints, the browse routes and bulk export.
 * Unknown parameters are refused (400 naming them).
 */
export const SearchQuery = z.strictObject({
  q: z
    .string()
    .max(MAX_QUERY_LENGTH)
    .optional()
    .meta({
      description:
        'full text over title, abstract, keywords, creator names, publication and subject names, accents ignored: words (all required), "a phrase", prefix*, -excluded, either OR other',
    }),
  type: oneOf(EPRINT_TYPES, "type").optional(),
  creator: z.string().min(1).max(200).optional().meta({ description: "a creator's ORCID iD, or name: `Family`, `Family, Given`, `Family, G.` or `Given Family` (accents and case ignored)" }),
  subject: ids("subject").optional(),
  division: ids("division").optional(),
  year: z
    .string()
    .transform((s, ctx) => {
      const parts = splitList(s);
      if (!parts.length || parts.length > MAX_LIST || parts.some((p) => !/^\d{4}$/.test(p))) {
        ctx.addIssue({ code: "custom", message: "one or more four-digit years, separated by commas" });
        return z.NEVER;
      }
      return [...new Set(parts.map(Number))];
    })
    .optional()
    .meta({ description: "year of the record's date; several separated by commas" }),
  date_from: partialDate.optional().meta({ description: "date on or after: YYYY, YYYY-MM or YYYY-MM-DD (a record dated only by year or month counts as the period's first day)" }),
  date_to: partialDate.optional().meta({ description: "date on or before: YYYY, YYYY-MM or YYYY-MM-DD, the whole period included" }),
  date_type: oneOf(DATE_TYPES, "date_type").optional(),
  ispublished: oneOf(ISPUBLISHED, "ispublished").optional(),
  refereed: z.enum(["true", "false"]).transform((s) => s === "true").optional(),
  doi: z
    .string()
    .max(300)
    .transform((s, ctx) => {
      const d = parseDoi(s);
      if (!d) {
        ctx.addIssue({ code: "custom", message: "must be a DOI: 10.<registrant>/<suffix>, optionally as doi: or https://doi.org/" });
        return z.NEVER;
      }
      return d.toLowerCase();
    })
    .optional()
    .meta({ description: "the record's DOI (id_number), case-insensitive" }),
  keyword: z.string().min(1).max(200).optional().meta({ description: "one of the record's keywords, exactly (accents and case ignored)" }),
  publication: z.string().min(1).max(255).optional().meta({ description: "the journal or series title, exactly (accents and case ignored)" }),
  datestamp_from: instant.optional(),
  datestamp_to: instant.optional(),
  lastmod_from: instant.optional(),
  lastmod_to: instant.optional(),
  since: instant.optional().meta({ description: "the same as lastmod_from (kept for older clients)" }),
  eprint_status: oneOf(EPRINT_STATUSES, "eprint_status").optional(),
  userid: z.coerce.number().int().positive().max(2_147_483_647).optional().meta({ description: "the depositor's user id" }),
  sort: z
    .enum(SORTS)
    .optional()
    .meta({ description: "relevance (the default with q), eprintid (the default without), date, lastmod, datestamp, title; a leading - reverses. Ties go by eprintid in the same direction; records without the value come last." }),
  limit: z.coerce.number().int().min(1).max(1000).default(50),
  cursor: z.string().max(4096).optional().meta({ description: "the `next` value of the previous page (keep every other parameter the same)" }),
  facets: oneOf(FACETS, "facet").optional(),
});
export type SearchParams = z.output<typeof SearchQuery>;

/** Parameters the query builder reads (paging aside). */
export type SearchFilter = Omit<SearchParams, "limit" | "cursor" | "facets"> & { limit?: number; cursor?: string; facets?: Facet[] };

export interface FacetValue {
  value: string;
  count: number;
  /** Subject and division names. */
  name?: string;
}

export interface SearchPage {
  items: EPrint[];
  next: string | null;
  total: number;
  total_estimated?: boolean;
  facets?: Partial<Record<Facet, FacetValue[]>>;
}

interface SortSpec {
  /** SQL expression of the sort key; none for eprintid alone. */
  key?: string;
  /** The key's type, to read a cursor's text form back. */
  cast?: string;
  nullable: boolean;
  desc: boolean;
}

const SORT_SPECS: Record<Exclude<Sort, "relevance">, SortSpec> = {
  eprintid: { nullable: false, desc: false },
  "-eprintid": { nullable: false, desc: true },
  date: { key: "date", cast: "varchar", nullable: true, desc: false },
  "-date": { key: "date", cast: "varchar", nullable: true, desc: true },
  lastmod: { key: "lastmod", cast: "timestamp", nullable: false, desc: false },
  "-lastmod": { key: "lastmod", cast: "timestamp", nullable: false, desc: true },
  datestamp: { key: "datestamp", cast: "timestamp", nullable: true, desc: false },
  "-datestamp": { key: "datestamp", cast: "timestamp", nullable: true, desc: true },
  title: { key: "title_sort", cast: "varchar", nullable: true, desc: false },
  "-title": { key: "title_sort", cast: "varchar", nullable: true, desc: true },
};

/** Where a page ends: the segment (rows with a key, then rows without), the key's text and the id. */
export interface Position {
  seg: "v" | "n";
  k?: string | null;
  r?: string;
  i: number;
}

interface CursorPayload extends Position {
  f: string;
}

/** A compiled query: the filter with its arguments, and how to order it. */
export interface CompiledSearch {
  where: string[];
  args: unknown[];
  /** tsquery expression (placeholders into args) when q has terms. */
  tsquery?: string;
  sort: Sort;
  /** Identifies the query and the viewer, so a cursor cannot be replayed on another. */
  key: string;
}

interface Row {
  data: EPrint;
  eprintid: number;
  k: string | null;
  r?: string;
}

/**
 * Compiles `p` for `viewer` (the domain's one query builder). Subject and division ids
 * must exist in `tree`; each stands for itself and everything below it.
 */
export function compileSearch(p: SearchFilter, viewer: Viewer, tree: SubjectTree): CompiledSearch {
  const where: string[] = [];
  const args: unknown[] = [];
  const arg = (v: unknown) => `$${args.push(v)}`;

  if (!isStaff(viewer)) {
    const me = useridOf(viewer);
    const live = "(eprint_status = 'archive' AND metadata_visibility = 'show')";
    where.push(me === undefined ? live : `(${live} OR userid = ${arg(me)})`);
  }

  let tsquery: string | undefined;
  if (p.q !== undefined) {
    const groups = parseQuery(p.q);
    if (termCount(groups) > MAX_TERMS) throw problems.badParameter("q", `at most ${MAX_TERMS} terms`);
    const expr = tsqueryExpression(groups, arg);
    if (expr) {
      tsquery = expr;
      where.push(`search @@ ${expr}`);
    }
  }
  const sort: Sort = p.sort ?? (tsquery ? "relevance" : "eprintid");
  if (sort === "relevance" && !tsquery) throw problems.badParameter("sort", "relevance needs q with at least one word");

  const mustHave: string[] = [];
  if (p.type) where.push(`type = ANY(${arg(p.type)}::varchar[])`);
  if (p.creator !== undefined) {
    const orcid = normaliseOrcid(p.creator);
    if (orcid) mustHave.push(`'o:' || ${arg(orcid)}`);
    else where.push(`filter_keys && ${creatorKeys(p.creator, arg)}`);
  }
  for (const [field, top] of [
    ["subject", "subjects"],
    ["division", "divisions"],
  ] as const) {
    const wanted = p[field];
    if (!wanted) continue;
    const all = new Set<string>();
    for (const id of wanted) {
      if (!tree.get(id) || (id !== top && tree.topOf(id) !== top)) throw problems.badParameter(field, `unknown ${field} ${id}`);
      for (const d of tree.descendants(id)) all.add(d);
    }
    where.push(`${top} && ${arg([...all])}::varchar[]`);
  }
  if (p.year) where.push(`date_year = ANY(${arg(p.year)}::int[])`);
  if (p.date_from) where.push(`date >= ${arg(p.date_from)}`);
  if (p.date_to) where.push(`date < ${arg(periodEnd(p.date_to))}`);
  if (p.date_from && p.date_to && periodEnd(p.date_to) <= p.date_from) throw problems.badParameter("date_to", "must not be before date_from");
  if (p.date_type) where.push(`date_type = ANY(${arg(p.date_type)}::varchar[])`);
  if (p.ispublished) where.push(`ispublished = ANY(${arg(p.ispublished)}::varchar[])`);
  if (p.refereed !== undefined) where.push(`refereed = ${arg(p.refereed)}`);
  if (p.doi) mustHave.push(`'d:' || ${arg(p.doi)}`);
  if (p.keyword !== undefined) mustHave.push(`'k:' || vellum_norm(${arg(p.keyword)})`);
  if (p.publication !== undefined) mustHave.push(`'p:' || vellum_norm(${arg(p.publication)})`);
  if (mustHave.length) where.push(`filter_keys @> ARRAY[${mustHave.join(", ")}]`);
  if (p.since) where.push(`lastmod >= ${utc(arg(p.since.iso))}`);
  for (const [col, from, to] of [
    ["datestamp", p.datestamp_from, p.datestamp_to],
    ["lastmod", p.lastmod_from, p.lastmod_to],
  ] as const) {
    if (from) where.push(`${col} >= ${utc(arg(from.iso))}`);
    if (to) where.push(to.dateOnly ? `${col} < ${utc(arg(to.iso))} + interval '1 day'` : `${col} <= ${utc(arg(to.iso))}`);
  }
  if (p.eprint_status) where.push(`eprint_status = ANY(${arg(p.eprint_status)}::eprint_status[])`);
  if (p.userid !== undefined) where.push(`userid = ${arg(p.userid)}`);

  const { limit: _l, cursor: _c, facets: _f, ...identity } = p;
  const key = createHash("sha256")
    .update(JSON.stringify({ p: identity, sort, v: viewer.kind === "user" ? [viewer.userid, isStaff(viewer)] : null }))
    .digest("base64url")
    .slice(0, 16);
  return { where, args, tsquery, sort, key };
}

function utc(placeholder: string): string {
  return `(${placeholder}::timestamptz AT TIME ZONE 'UTC')`;
}

/** The first date after the period `d` names (YYYY, YYYY-MM or YYYY-MM-DD), in the same form. */
export function periodEnd(d: string): string {
  const [y, m, day] = d.split("-").map(Number) as [number, number?, number?];
  if (m === undefined) return String(y + 1);
  if (day === undefined) return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, "0")}`;
  return new Date(Date.UTC(y, m - 1, day + 1)).toISOString().slice(0, 10);
}

/**
 * Keys a creator name matches (any of them): `Family, Given`, `Family, G.`, `Family`, or
 * `Given Family` (also tried as a family name of several words).
 */
function creatorKeys(name: string, arg: (v: unknown) => string): string {
  const norm = (s: string) => `vellum_norm(${arg(s)})`;
  const comma = name.indexOf(",");
  const keys: string[] = [];
  if (comma >= 0) {
    const family = name.slice(0, comma).trim();
    const given = name.slice(comma + 1).trim();
    const bare = given.replace(/[.\s]/g, "");
    if (!given) keys.push(`'f:' || ${norm(family)}`);
    else if ([...bare].length === 1) keys.push(`'i:' || ${norm(family)} || '|' || ${norm(bare)}`);
    else keys.push(`'g:' || ${norm(family)} || '|' || ${norm(given)}`);
  } else {
    const words = name.trim().split(/\s+/);
    keys.push(`'f:' || ${norm(name)}`);
    if (words.length > 1) {
      const family = words[words.length - 1]!;
      const given = words.slice(0, -1).join(" ");
      const bare = given.replace(/[.\s]/g, "");
      keys.push([...bare].length === 1 ? `'i:' || ${norm(family)} || '|' || ${norm(bare)}` : `'g:' || ${norm(family)} || '|' || ${norm(given)}`);
    }
  }
  return `ARRAY[${keys.join(", ")}]::text[]`;
}

export class EPrintSearch {
  constructor(
    private readonly db: Database,
    private readonly subjects: SubjectStore,
    private readonly signer: TokenSigner,
    /** Exact totals up to this many matches; estimates above. */
    private readonly exactTotalLimit = 100_000,
  ) {}

  async compile(p: SearchFilter, viewer: Viewer): Promise<CompiledSearch> {
    return compileSearch(p, viewer, await this.subjects.current());
  }

  /** One page, its total, and the facets asked for. */
  async page(p: SearchFilter, viewer: Viewer): Promise<SearchPage> {
    const c = await this.compile(p, viewer);
    const limit = p.limit ?? 50;
    let after: Position | undefined;
    if (p.cursor !== undefined) {
      const payload = this.signer.verify<CursorPayload>(p.cursor);
      if (!payload || typeof payload.i !== "number" || (payload.seg !== "v" && payload.seg !== "n")) {
        throw problems.badParameter("cursor", "malformed or forged cursor: pass back the `next` value unchanged");
      }
      if (payload.f !== c.key) throw problems.badParameter("cursor", "this cursor belongs to a different query: keep the same parameters while paging");
      after = payload;
    }
    const pool = this.db.readPool;
    const [rows, total, facets] = await Promise.all([
      this.rows(pool, c, limit + 1, after),
      this.total(pool, c),
      p.facets?.length ? this.facets(pool, c, p.facets) : Promise.resolve(undefined),
    ]);
    const more = rows.length > limit;
    const items = rows.slice(0, limit);
    const last = items[items.length - 1];
    return {
      items: items.map((r) => viewFor(viewer, r.data)),
      next: more && last ? this.signer.sign({ f: c.key, ...positionOf(last, c) } satisfies CursorPayload) : null,
      total: total.n,
      ...(total.estimated ? { total_estimated: true } : {}),
      ...(facets ? { facets } : {}),
    };
  }

  /**
   * Every match, in the query's order, as `viewer` may see it: keyset pages of `pageSize`
   * rows, each its own short query, so memory stays flat and no transaction stays open
   * while a slow client reads (bulk export of a search).
   */
  async *stream(p: SearchFilter, viewer: Viewer, pageSize = 500): AsyncGenerator<EPrint> {
    const c = await this.compile(p, viewer);
    let after: Position | undefined;
    for (;;) {
      const rows = await this.rows(this.db.readPool, c, pageSize + 1, after);
      const page = rows.slice(0, pageSize);
      for (const r of page) yield viewFor(viewer, ordered(r.data));
      if (rows.length <= pageSize) return;
      after = positionOf(page[page.length - 1]!, c);
    }
  }

  /** Up to `n` rows after `after`, crossing from the keyed rows to the unkeyed ones when a sort key can be missing. */
  private async rows(pool: pg.Pool, c: CompiledSearch, n: number, after?: Position): Promise<(Row & { seg: "v" | "n" })[]> {
    if (c.sort === "relevance") {
      return (await this.segment(pool, c, "v", n, after)).map((r) => ({ ...r, seg: "v" as const }));
    }
    const spec = SORT_SPECS[c.sort];
    const out: (Row & { seg: "v" | "n" })[] = [];
    if (!after || after.seg === "v") {
      for (const r of await this.segment(pool, c, "v", n, after)) out.push({ ...r, seg: "v" });
      if (out.length >= n || !spec.nullable) return out;
      after = undefined;
    }
    for (const r of await this.segment(pool, c, "n", n - out.length, after)) out.push({ ...r, seg: "n" });
    return out;
  }

  private async segment(pool: pg.Pool, c: CompiledSearch, seg: "v" | "n", n: number, after?: Position): Promise<Row[]> {
    const q = segmentQuery(c, seg, n, after);
    return (await pool.query<Row>(q.sql, q.args)).rows;
  }

  /** Exact up to the limit; above it the planner's estimate (never below what was counted). */
  private async total(pool: pg.Pool, c: CompiledSearch): Promise<{ n: number; estimated: boolean }> {
    const cap = this.exactTotalLimit;
    const count = countQuery(c, cap);
    const { rows } = await pool.query(count.sql, count.args);
    const n = rows[0].n as number;
    if (n <= cap) return { n, estimated: false };
    const plan = await pool.query(`EXPLAIN (FORMAT JSON) SELECT 1 FROM eprint${filterOf(c)}`, c.args);
    const estimate = Number(plan.rows[0]["QUERY PLAN"]?.[0]?.Plan?.["Plan Rows"] ?? 0);
    return { n: Math.max(Math.round(estimate), cap + 1), estimated: true };
  }

  /** Counts over every match of the query (not just the page). */
  async facets(pool: pg.Pool, c: CompiledSearch, wanted: readonly Facet[]): Promise<Partial<Record<Facet, FacetValue[]>>> {
    const tree = await this.subjects.current();
    const out: Partial<Record<Facet, FacetValue[]>> = {};
    await Promise.all(
      wanted.map(async (f) => {
        const q = facetQuery(c, f);
        if (f === "subject" || f === "division") {
          out[f] = rollUp((await pool.query<{ ids: string[]; n: number }>(q.sql, q.args)).rows, f === "subject" ? "subjects" : "divisions", tree);
        } else {
          out[f] = (await pool.query<{ value: string; count: number }>(q.sql, q.args)).rows;
        }
      }),
    );
    return out;
  }
}

function filterOf(c: CompiledSearch): string {
  return c.where.length ? ` WHERE ${c.where.join(" AND ")}` : "";
}

/** The SQL for up to `n` rows of one segment after `after` (exported so tests can EXPLAIN exactly what runs). */
export function segmentQuery(c: CompiledSearch, seg: "v" | "n", n: number, after?: Position): { sql: string; args: unknown[] } {
  const args = [...c.args];
  const arg = (v: unknown) => `$${args.push(v)}`;
  const where = [...c.where];
  let select = "data, eprintid, NULL::text AS k";
  let order: string;
  if (c.sort === "relevance") {
    const rank = `ts_rank(search, ${c.tsquery})`;
    select = `data, eprintid, NULL::text AS k, ${rank}::text AS r`;
    if (after?.r !== undefined) {
      const r = arg(after.r);
      where.push(`(${rank} < ${r}::real OR (${rank} = ${r}::real AND eprintid > ${arg(after.i)}))`);
    }
    order = `${rank} DESC, eprintid`;
  } else {
    const spec = SORT_SPECS[c.sort];
    const dir = spec.desc ? "DESC" : "ASC";
    const cmp = spec.desc ? "<" : ">";
    if (!spec.key || seg === "n") {
      if (spec.key) where.push(`${spec.key} IS NULL`);
      if (after) where.push(`eprintid ${cmp} ${arg(after.i)}`);
      order = `eprintid ${dir}`;
    } else {
      select = `data, eprintid, ${spec.key}::text AS k`;
      if (spec.nullable) where.push(`${spec.key} IS NOT NULL`);
      if (after) where.push(`(${spec.key}, eprintid) ${cmp} (${arg(after.k)}::${spec.cast}, ${arg(after.i)})`);
      order = `${spec.key} ${dir}, eprintid ${dir}`;
    }
  }
  return { sql: `SELECT ${select} FROM eprint${where.length ? ` WHERE ${where.join(" AND ")}` : ""} ORDER BY ${order} LIMIT ${n}`, args };
}

/** Counts matches up to `cap + 1` (beyond that the count is not worth its cost). */
export function countQuery(c: CompiledSearch, cap: number): { sql: string; args: unknown[] } {
  return { sql: `SELECT count(*)::int AS n FROM (SELECT 1 FROM eprint${filterOf(c)} LIMIT ${cap + 1}) x`, args: c.args };
}

const FACET_COLUMNS: Record<Exclude<Facet, "subject" | "division">, { col: string; order: string }> = {
  type: { col: "type", order: "count DESC, value" },
  ispublished: { col: "ispublished", order: "count DESC, value" },
  year: { col: "date_year", order: "value DESC" },
};

/** Value counts; for subjects and divisions, counts per distinct set of ids (rolled up by rollUp). */
export function facetQuery(c: CompiledSearch, f: Facet): { sql: string; args: unknown[] } {
  const filter = filterOf(c);
  const and = filter ? " AND" : " WHERE";
  if (f === "subject" || f === "division") {
    const col = f === "subject" ? "subjects" : "divisions";
    return { sql: `SELECT ${col} AS ids, count(*)::int AS n FROM eprint${filter}${and} cardinality(${col}) > 0 GROUP BY ${col}`, args: c.args };
  }
  const { col, order } = FACET_COLUMNS[f];
  return { sql: `SELECT ${col}::text AS value, count(*)::int AS count FROM eprint${filter}${and} ${col} IS NOT NULL GROUP BY ${col} ORDER BY ${order}`, args: c.args };
}

/**
 * Subject and division counts include everything below each node, as the filter does: a
 * record filed under QA75 counts for QA75, QA and Q, and once only under an ancestor however
 * many of its subjects sit below it.
 */
function rollUp(rows: { ids: string[]; n: number }[], top: "subjects" | "divisions", tree: SubjectTree): FacetValue[] {
  const up = new Map<string, string[]>();
  const lineage = (id: string) => {
    let l = up.get(id);
    if (!l) {
      l = [id, ...tree.ancestors(id)].filter((a) => a !== top && a !== "ROOT");
      up.set(id, l);
    }
    return l;
  };
  const counts = new Map<string, number>();
  for (const r of rows) {
    const seen = new Set<string>();
    for (const id of r.ids) for (const a of lineage(id)) seen.add(a);
    for (const a of seen) counts.set(a, (counts.get(a) ?? 0) + r.n);
  }
  return [...counts]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, SUBJECT_FACET_SIZE)
    .map(([value, count]) => ({ value, name: tree.name(value), count }));
}

function positionOf(r: Row & { seg: "v" | "n" }, c: CompiledSearch): Position {
  return c.sort === "relevance" ? { seg: "v", r: r.r!, i: r.eprintid } : { seg: r.seg, k: r.k, i: r.eprintid };
}

