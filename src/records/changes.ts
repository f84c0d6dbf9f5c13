/**
 * The change feed: every create, update, status move and removal, in the order the writes
 * happened, so a client can mirror the repository by polling one URL.
 *
 * Ordering and gaps. `eprint_change.seq` comes from a sequence, so two transactions can
 * commit in the opposite order of their seqs: a reader that saw 11 and moved its cursor
 * past it would never see 10 when 10 commits later. Each change row therefore records
 * `horizon`, the snapshot's xmax when it was written (every transaction that could still
 * hold a smaller seq has an xid below it, because every writer changes the eprint row,
 * which gives it an xid, before it takes its seq). The feed serves a row only once the
 * oldest transaction still running has an xid at or above the row's horizon: then every
 * smaller seq is committed (and visible) or rolled back. The served prefix only grows, so a
 * cursor is just the last seq served.
 * The price is a lag: a change appears once the writing transactions that were in flight
 * when it was written have ended; a long-running writing transaction anywhere in the
 * PostgreSQL cluster (xids are cluster-wide) holds the feed back until it ends.
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
  s: number;
}

export class ChangeFeed {
  constructor(
    private readonly db: Database,
    private readonly signer: TokenSigner,
  ) {}

  async page(opts: { since?: string; limit: number; includeRecord?: boolean }, viewer: Viewer): Promise<ChangePage> {
    let after = 0;
    if (opts.since !== undefined) {
      const c = this.signer.verify<Cursor>(opts.since);
      if (!c || typeof c.s !== "number" || !Number.isSafeInteger(c.s) || c.s < 0) {
        throw problems.badParameter("since", "malformed or forged cursor: pass back the `next` value unchanged");
      }
      after = c.s;
    }
    const pool: pg.Pool = this.db.pool;
    // first the horizon (one snapshot), then the rows up to it (a later snapshot sees them all)
    const tip = Math.max(after, await this.settledTip(pool));
    const staff = isStaff(viewer);
    const { rows } = await pool.query(
      `SELECT c.seq, c.eprintid, c.rev_number, c.action, c.public_action, c.eprint_status,
              to_char(c.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at
              ${opts.includeRecord ? ", r.data" : ""}
         FROM eprint_change c
         ${opts.includeRecord ? "LEFT JOIN eprint_revision r ON r.eprintid = c.eprintid AND r.rev_number = c.rev_number" : ""}
        WHERE c.seq > $1 AND c.seq <= $2 ${staff ? "" : "AND c.public_action IS NOT NULL"}
        ORDER BY c.seq LIMIT $3`,
      [after, tip, opts.limit],
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
    const last = full ? items[items.length - 1]!.seq : tip;
    return { items, next: this.signer.sign({ s: last } satisfies Cursor), more: full && last < tip };
  }

  /**
   * The largest seq below which every change is settled: its horizon is at or below the
   * oldest xid still running, so every smaller seq has committed or rolled back.
   */
  private async settledTip(pool: pg.Pool): Promise<number> {
    const { rows } = await pool.query(
      `SELECT seq FROM eprint_change WHERE horizon <= pg_snapshot_xmin(pg_current_snapshot()) ORDER BY seq DESC LIMIT 1`,
    );
    return rows[0] ? Number(rows[0].seq) : 0;
  }
}
