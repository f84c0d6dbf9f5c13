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
import { EPrintSchema, type EPrint } from "../records/schema.js";
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
  /** the full stored record, when asked for (live items only) */
  record?: EPrint;
}

export interface ListQuery {
  range: DateRange;
  set?: SetFilter;
}

const COLUMNS = "eprintid, eprint_status, lastmod, ispublished, type, subjects, divisions";

function itemOf(row: Record<string, unknown>): OaiItem {
  const deleted = row.eprint_status !== "archive";
  return {
    eprintid: row.eprintid as number,
    deleted,
    lastmod: row.lastmod as Date,
    ispublished: (row.ispublished as string | null) ?? null,
    type: row.type as string,
    subjects: (row.subjects as string[] | null) ?? [],
    divisions: (row.divisions as string[] | null) ?? [],
    // JSONB does not keep key order; parsing restores dataset order for the formats
    ...(row.data && !deleted ? { record: EPrintSchema.parse(row.data) } : {}),
  };
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
      `SELECT ${COLUMNS}${withRecord ? ", data" : ""} FROM eprint WHERE eprintid = $1 AND datestamp IS NOT NULL`,
      [eprintid],
    );
    return rows[0] ? itemOf(rows[0]) : undefined;
  }

  /**
   * One page of a list: up to `limit` items with eprintid > `after`, in eprintid order,
   * plus how many items match from `after` on (this page included) and whether more follow.
   */
  async page(q: ListQuery, after: number, limit: number, withRecord: boolean): Promise<{ items: OaiItem[]; remaining: number; more: boolean }> {
    const args: unknown[] = [];
    const arg = (v: unknown) => `$${args.push(v)}`;
    const where = ["datestamp IS NOT NULL"];
    if (q.range.from) where.push(`lastmod >= ${arg(q.range.from.timestamp)}::timestamp`);
    if (q.range.until) where.push(`lastmod <= ${arg(q.range.until.timestamp)}::timestamp`);
    const set = q.set;
    if (set?.kind === "equals") where.push(`${set.column} = ${arg(set.value)}`);
    else if (set?.kind === "any") where.push(`${set.column} && ${arg(set.values)}::varchar[]`);
    else if (set?.kind === "driver") where.push(`data->>'full_text_status' = 'public'`);
    where.push(`eprintid > ${arg(after)}`);
    const filter = where.join(" AND ");
    const { rows } = await this.pool.query(
      `SELECT (SELECT count(*) FROM eprint WHERE ${filter}) AS remaining, p.*
         FROM (SELECT ${COLUMNS}${withRecord ? ", CASE WHEN eprint_status = 'archive' THEN data END AS data" : ""}
                 FROM eprint WHERE ${filter} ORDER BY eprintid LIMIT ${limit + 1}) p
        ORDER BY p.eprintid`,
      args,
    );
    const more = rows.length > limit;
    return { items: rows.slice(0, limit).map(itemOf), remaining: rows.length ? Number(rows[0].remaining) : 0, more };
  }
}
