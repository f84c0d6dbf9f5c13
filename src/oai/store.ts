/**
 * The queries behind the OAI-PMH provider. What OAI can see is EPrints' rule: every eprint
 * whose `datestamp` is set (it was live once). Those in the archive are live; the rest
 * (retired, or moved back to review) are reported as deleted. Items never made live
 * (inbox, buffer without a datestamp) do not exist here at all.
 *
 * All reads go to the read pool, and each page is one statement, so the page and the count
 * that goes with it come from one snapshot.
 */
import type pg from "pg";
import { viewFor } from "../records/policy.js";
import type { EPrint } from "../records/schema.js";
import type { DateRange } from "./dates.js";
import type { SetFilter } from "./sets.js";

export interface OaiItem {
  eprintid: number;
  /** not in the archive: reported with status="deleted" */
  deleted: boolean;
  /** the OAI datestamp: EPrints' lastmod */
  lastmod: Date;
  ispublished: string | null;
  type: string;
  subjects: string[];
  divisions: string[];
  /** the stored record as the public sees it (viewFor anonymous), when asked for (live items only) */
  record?: EPrint;
}

export interface ListQuery {
  range: DateRange;
  set?: SetFilter;
}

const ANONYMOUS = { kind: "anonymous" } as const;
const COLUMNS = "eprintid, eprint_status, lastmod, ispublished, type, subjects, divisions";
/**
 * A live record's metadata: `public_json`, the record as the public sees it, which the store
 * writes with every archive row (text, so PostgreSQL sends it without converting jsonb, which
 * costs it three times as much); the full `data` only for a row that has none.
 */
const RECORD_COLUMNS =
  ", CASE WHEN eprint_status = 'archive' THEN public_json END AS public_json" +
  ", CASE WHEN eprint_status = 'archive' AND public_json IS NULL THEN data END AS data";

function itemOf(row: Record<string, unknown>): OaiItem {
  const deleted = row.eprint_status !== "archive";
  const item: OaiItem = {
    eprintid: row.eprintid as number,
    deleted,
    lastmod: row.lastmod as Date,
    ispublished: (row.ispublished as string | null) ?? null,
    type: row.type as string,
    subjects: (row.subjects as string[] | null) ?? [],
    divisions: (row.divisions as string[] | null) ?? [],
  };
  // Validated when it was written, so not parsed with the schema again (the formats walk the
  // field table, not the object's keys); public_json is already the public view.
  if (!deleted) {
    if (typeof row.public_json === "string") item.record = JSON.parse(row.public_json) as EPrint;
    else if (row.data) item.record = viewFor(ANONYMOUS, row.data as EPrint);
  }
  return item;
}

export class OaiStore {
  constructor(private readonly pool: pg.Pool) {}

  /**
   * Identify: the earliest datestamp of anything OAI has ever shown, and a live record to
   * use as the sample identifier (the first live one by datestamp, as EPrints picks it).
   */
  async identify(): Promise<{ earliest: Date | null; sample: number | null }> {
    const { rows } = await this.pool.query(
      `SELECT (SELECT min(lastmod) FROM eprint WHERE datestamp IS NOT NULL) AS earliest,
              (SELECT eprintid FROM eprint WHERE eprint_status = 'archive' ORDER BY lastmod, eprintid LIMIT 1) AS sample`,
    );
    return { earliest: rows[0].earliest ?? null, sample: rows[0].sample ?? null };
  }

  async item(eprintid: number, withRecord: boolean): Promise<OaiItem | undefined> {
    const { rows } = await this.pool.query(
      `SELECT ${COLUMNS}${withRecord ? RECORD_COLUMNS : ""} FROM eprint WHERE eprintid = $1 AND datestamp IS NOT NULL`,
      [eprintid],
    );
    return rows[0] ? itemOf(rows[0]) : undefined;
  }

  /**
   * One page of a list: up to `limit` items with eprintid > `after`, in eprintid order, and
   * whether more follow. With it, in the same statement (one snapshot), how many items of
   * the list have an eprintid above `countAbove` and the highest of them: the provider passes
   * `after` once, to learn the list's size, and from then on the highest eprintid it counted,
   * so a page only counts what was added since (usually nothing) and page 1,000 costs what
   * page 1 costs.
   */
  async page(
    q: ListQuery,
    after: number,
    limit: number,
    withRecord: boolean,
    countAbove: number,
  ): Promise<{ items: OaiItem[]; more: boolean; count: number; top: number | null }> {
    const args: unknown[] = [];
    const arg = (v: unknown) => `$${args.push(v)}`;
    const where = ["datestamp IS NOT NULL"];
    if (q.range.from) where.push(`lastmod >= ${arg(q.range.from.timestamp)}::timestamp`);
    if (q.range.until) where.push(`lastmod <= ${arg(q.range.until.timestamp)}::timestamp`);
    const set = q.set;
    if (set?.kind === "equals") where.push(`${set.column} = ${arg(set.value)}`);
    else if (set?.kind === "any") where.push(`${set.column} && ${arg(set.values)}::varchar[]`);
    else if (set?.kind === "driver") where.push(`data->>'full_text_status' = 'public'`);
    const filter = where.join(" AND ");
    const { rows } = await this.pool.query(
      `SELECT c.count, c.top, p.*
         FROM (SELECT count(*) AS count, max(eprintid) AS top FROM eprint WHERE ${filter} AND eprintid > ${arg(countAbove)}) c,
              (SELECT ${COLUMNS}${withRecord ? RECORD_COLUMNS : ""}
                 FROM eprint WHERE ${filter} AND eprintid > ${arg(after)} ORDER BY eprintid LIMIT ${limit + 1}) p
        ORDER BY p.eprintid`,
      args,
    );
    const more = rows.length > limit;
    const first = rows[0];
    return {
      items: rows.slice(0, limit).map(itemOf),
      more,
      count: first ? Number(first.count) : 0,
      top: first?.top ?? null,
    };
  }
}
