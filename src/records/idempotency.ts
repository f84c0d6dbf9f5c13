/**
 * Idempotent writes (the IETF httpapi Idempotency-Key draft, as Stripe and others run it):
 * a client sends `Idempotency-Key: <unique value>` with a POST, and a retry of that request
 * with the same key gets the first result instead of doing the work again, so a deposit
 * whose answer was lost (timeout, dropped connection, 503 after the commit) can be retried
 * safely.
 *
 * Rules:
 * - A key belongs to one user: two users may use the same key independently.
 * - The key is claimed in the same transaction as the work it guards, so the work and the
 *   remembered result commit together or not at all. A concurrent retry waits on the
 *   claim (the row lock), then replays the committed result: one record, whatever the race.
 * - Only work that commits is remembered. A request that fails (invalid body, database
 *   down) leaves no trace, so its retry runs again and fails or succeeds on its own.
 * - The key is bound to the request: the same key with a different method, path or body
 *   is refused with 422.
 * - A key is kept `hours` (at least 24); after that the same key is a new request.
 */
import { createHash } from "node:crypto";
import type pg from "pg";
import type { Database } from "../db/index.js";
import { Problem, problems } from "../errors.js";

export interface IdempotentRequest {
  key: string;
  /** fingerprintOf(the request): what the key was first used for. */
  fingerprint: string;
}

/** Visible ASCII but `"` and `\`, as every major API's keys (UUIDs, random tokens); at most 255 characters. */
const KEY = /^[\x21\x23-\x5b\x5d-\x7e]{1,255}$/;

/**
 * The Idempotency-Key header's value, or undefined when absent. The draft makes it a
 * structured-field string (`"..."`); the bare form most clients send is accepted too.
 */
export function idempotencyKeyOf(header: string | string[] | undefined): string | undefined {
  if (header === undefined) return undefined;
  if (Array.isArray(header)) throw problems.badParameter("Idempotency-Key", "send the header once");
  const m = /^\s*"([^"]*)"\s*$|^\s*([^"]*?)\s*$/.exec(header);
  const key = m?.[1] ?? m?.[2];
  if (key === undefined || !KEY.test(key)) {
    throw problems.badParameter("Idempotency-Key", '1 to 255 visible ASCII characters other than " and \\ (e.g. a UUID), bare or in quotes');
  }
  return key;
}

/** JSON with object keys sorted, so the same document always has the same fingerprint. */
function canonical(v: unknown): string {
  if (v === null || typeof v !== "object") return JSON.stringify(v) ?? "null";
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  const entries = Object.entries(v as Record<string, unknown>)
    .filter(([, x]) => x !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonical(x)}`).join(",")}}`;
}

/** What a key is bound to: the method and path, and the body as JSON (whitespace and key order do not matter). */
export function fingerprintOf(method: string, path: string, body: unknown): string {
  return createHash("sha256").update(`${method.toUpperCase()} ${path}\n${canonical(body)}`).digest("hex");
}

export function keyReused(key: string): Problem {
  return new Problem(
    422,
    "idempotency-key-reused",
    "Unprocessable Content",
    `Idempotency-Key ${JSON.stringify(key)} was already used for a different request; use a new key for a new request`,
  );
}

/** What the claim queries need: a pg client inside the transaction the work runs in. */
type SqlTx = Pick<pg.PoolClient, "query">;

export class IdempotencyKeys {
  private lastSweep = 0;

  constructor(
    private readonly db: Database,
    readonly hours = 24,
  ) {}

  /**
   * Claims `request.key` for `userid` inside `tx`. Returns the remembered result when the
   * key was used before (for the same request), or undefined when this transaction now
   * holds the key and must call settle() before it commits.
   */
  async claim(tx: SqlTx, userid: number, request: IdempotentRequest): Promise<string | undefined> {
    await tx.query(`DELETE FROM idempotency_key WHERE userid = $1 AND key = $2 AND created < now() - make_interval(hours => $3)`, [
      userid,
      request.key,
      this.hours,
    ]);
    // waits while another transaction holds the same key, then sees its outcome
    const { rows: claimed } = await tx.query(
      `INSERT INTO idempotency_key (userid, key, fingerprint) VALUES ($1, $2, $3) ON CONFLICT (userid, key) DO NOTHING RETURNING 1`,
      [userid, request.key, request.fingerprint],
    );
    if (claimed.length === 1) return undefined;
    const { rows } = await tx.query<{ fingerprint: string; result: string | null }>(
      `SELECT fingerprint, result FROM idempotency_key WHERE userid = $1 AND key = $2`,
      [userid, request.key],
    );
    const row = rows[0];
    // gone again (expired and swept between the two statements): rare, and safe to retry
    if (!row || row.result === null) throw problems.conflict(`Idempotency-Key ${JSON.stringify(request.key)} is being used by another request; retry`);
    if (row.fingerprint !== request.fingerprint) throw keyReused(request.key);
    return row.result;
  }

  /** Remembers the result of the work done under a claimed key (same transaction). */
  async settle(tx: SqlTx, userid: number, request: IdempotentRequest, result: string): Promise<void> {
    await tx.query(`UPDATE idempotency_key SET result = $3 WHERE userid = $1 AND key = $2`, [userid, request.key, result]);
    this.sweepSoon();
  }

  /** Deletes expired keys, at most once an hour per process, off the request's path. */
  private sweepSoon(): void {
    if (Date.now() - this.lastSweep < 3_600_000) return;
    this.lastSweep = Date.now();
    setImmediate(() => void this.sweep(this.db.pool).catch(() => {}));
  }

  async sweep(pool: pg.Pool): Promise<number> {
    const { rowCount } = await pool.query(`DELETE FROM idempotency_key WHERE created < now() - make_interval(hours => $1)`, [this.hours]);
    return rowCount ?? 0;
  }
}
