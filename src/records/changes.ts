/**
 * The change feed: every create, update, status move and removal, so a client can mirror the
 * repository by polling one URL.
 *
 * Order, and why no change is ever skipped. `eprint_change.seq` comes from a sequence, so two
 * transactions can commit in the opposite order of their seqs: a reader that saw seq 11 and
 * moved its cursor past it would never see 10 when 10 committed later. So the feed is ordered
 * by the writing transaction's id (`xid`, then `seq` within a transaction) and serves only
 * rows whose xid is below every transaction still running in this database: each poll takes a
 * snapshot, then reads the xids of this database's running transactions (pg_stat_activity),
 * then reads the rows in a later snapshot. A transaction below that bound has ended before
 * the rows are read, so its rows are all visible (or it rolled back); any row that appears
 * later has a larger xid, so it sorts after every row already served, and a cursor is simply
 * the last (xid, seq) served.
 * What this costs: a change appears once every transaction of this database that was already
 * writing when it was made has ended (milliseconds for Vellum's own writes; a long import
 * batch or a long transaction of another program on the same database holds the feed back
 * until it ends). Transaction order is commit order for writes that do not overlap; changes
 * to one record always come in the order they were made (the record's row lock orders them),
 * except when an import batch that replaces records races an edit of the same record.
 *
 * Privacy. Staff see every change as recorded, with the status it left the record in.
 * Everyone else sees the public feed, computed at write time (trigger eprint_change_classify):
 * `created` when a record becomes public (accepted into the archive, reinstated, imported
 * live), `updated` when a public record changes, `deleted` when it stops being public
 * (retired, or moved back to the review buffer). Changes to records that were not public
 * before or after never appear.
 */
import type pg from "pg";
import { isStaff, type Viewer } from "../accounts/viewer.js";
import type { Database } from "../db/index.js";
import { problems } from "../errors.js";
import type { TokenSigner } from "./cursor.js";
import { viewFor } from "./policy.js";
import type { EPrint, EPrintStatus } from "./schema.js";
import { ordered } from "./store.js";

export type PublicAction = "created" | "updated" | "deleted";

export interface Change {
  seq: number;
  eprintid: number;
  rev_number: number;
  /** Public feed: created, updated, deleted. Staff: as recorded (created, updated, moved, retired, reinstated, deleted). */
  action: string;
  /** When the writing transaction started (UTC, ISO 8601). */
  at: string;
  /** Staff only: the status the change left the record in (absent once deleted). */
  eprint_status?: EPrintStatus;
  /** With include=record: the record as it was after this change, as the caller may see it. */
  record?: EPrint;
}

export interface ChangePage {
  items: Change[];
  /** Pass back as `since` for the next page; when `more` is false, poll with it later. */
  next: string;
  /** More changes are ready now. */
  more: boolean;
}

interface Cursor {
  /** The last (xid, seq) served: xid8 as text. */
  x: string;
  s: number;
}

const TWO_32 = 1n << 32n;

/**
 * The lowest xid any change not yet visible can have: `xmax` of a snapshot taken first, or
 * the xid of a transaction of this database running after it, if lower. pg_stat_activity
 * gives 32-bit xids; they are widened with the epoch of `xmax` (an xid above xmax started
 * after the snapshot and cannot lower the bound).
 */
export function settledBelow(xmax: string, running: string[]): bigint {
  const top = BigInt(xmax);
  let low = top;
  for (const r of running) {
    const behind = (((top % TWO_32) - BigInt(r)) % TWO_32 + TWO_32) % TWO_32;
    if (behind === 0n || behind > TWO_32 / 2n) continue;
    const full = top - behind;
    if (full < low) low = full;
  }
  return low;
}

export class ChangeFeed {
  constructor(
    private readonly db: Database,
    private readonly signer: TokenSigner,
  ) {}

  async page(opts: { since?: string; limit: number; includeRecord?: boolean }, viewer: Viewer): Promise<ChangePage> {
    let after: Cursor = { x: "0", s: 0 };
    if (opts.since !== undefined) {
      const c = this.signer.verify<Cursor>(opts.since);
      if (!c || typeof c.x !== "string" || !/^\d{1,20}$/.test(c.x) || typeof c.s !== "number" || !Number.isSafeInteger(c.s) || c.s < 0) {
        throw problems.badParameter("since", "malformed or forged cursor: pass back the `next` value unchanged");
      }
      after = c;
    }
    // the primary: a replica's activity view does not show the primary's writers
    const pool: pg.Pool = this.db.pool;
    // one statement: its snapshot is taken before pg_stat_activity is read
    const horizon = await pool.query(
      `SELECT pg_snapshot_xmax(pg_current_snapshot())::text AS xmax,
              ARRAY(SELECT backend_xid::text FROM pg_stat_activity WHERE datname = current_database() AND backend_xid IS NOT NULL) AS running`,
    );
    const bound = settledBelow(horizon.rows[0].xmax, horizon.rows[0].running);
    const staff = isStaff(viewer);
    const { rows } = await pool.query(
      `SELECT c.xid::text AS xid, c.seq, c.eprintid, c.rev_number, c.action, c.public_action, c.eprint_status,
              to_char(c.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at
              ${opts.includeRecord ? ", r.data" : ""}
         FROM eprint_change c
         ${opts.includeRecord ? "LEFT JOIN eprint_revision r ON r.eprintid = c.eprintid AND r.rev_number = c.rev_number" : ""}
        WHERE (c.xid, c.seq) > ($1::xid8, $2::bigint) AND c.xid < $3::xid8 ${staff ? "" : "AND c.public_action IS NOT NULL"}
        ORDER BY c.xid, c.seq LIMIT $4`,
      [after.x, after.s, bound.toString(), opts.limit],
    );
    const items = rows.map((r): Change => {
      const change: Change = {
        seq: Number(r.seq),
        eprintid: r.eprintid,
        rev_number: r.rev_number,
        action: staff ? r.action : r.public_action,
        at: r.at,
        ...(staff && r.eprint_status ? { eprint_status: r.eprint_status } : {}),
      };
      const visible = staff ? r.action !== "deleted" : r.public_action !== "deleted";
      if (opts.includeRecord && visible && r.data) change.record = viewFor(viewer, ordered(r.data));
      return change;
    });
    const full = rows.length === opts.limit;
    const last = rows[rows.length - 1];
    // a short page has read everything below the bound: the next poll starts there
    const next: Cursor = full ? { x: last.xid, s: Number(last.seq) } : BigInt(after.x) < bound ? { x: bound.toString(), s: 0 } : after;
    return { items, next: this.signer.sign(next satisfies Cursor), more: full };
  }
}
