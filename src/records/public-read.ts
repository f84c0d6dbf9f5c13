/**
 * Reading records for EPrints' public URL space: the export URLs, `/id/eprint/N`, the
 * abstract page, the legacy REST API and bulk export. The rules differ from the deposit
 * API's (policy.ts `readAccess`) in one way: a retired record is a tombstone (410) to
 * everyone but staff, its depositor included, as EPrints serves withdrawn items.
 *
 * Who sees what:
 * - archive: everyone, without creator ids (viewFor);
 * - inbox and buffer: their owner and staff (the export URLs, the abstract page); staff
 *   only on the REST API (EPrints grants `eprint/<status>/rest/get` to the public for the
 *   archive only); everyone else gets 404, so their existence does not leak;
 * - deletion: staff; everyone else gets 410 with the tombstone.
 */
import type pg from "pg";
import { isStaff, useridOf, type Viewer } from "../accounts/viewer.js";
import { problems, type Problem } from "../errors.js";
import { isOwner, viewFor } from "./policy.js";
import { EPrintSchema, type EPrint, type Name } from "./schema.js";

export type Surface = "export" | "rest";

export type PublicAccess = "full" | "gone" | "hidden";

export function publicAccess(v: Viewer, r: { eprint_status: EPrint["eprint_status"]; userid?: number | null }, surface: Surface): PublicAccess {
  if (isStaff(v)) return "full";
  if (r.eprint_status === "archive") return "full";
  if (r.eprint_status === "deletion") return "gone";
  return surface === "export" && isOwner(v, { userid: r.userid ?? undefined }) ? "full" : "hidden";
}

/** The 410 answer for a retired record: what it was and when it was retired. */
export function tombstone(r: EPrint): Problem {
  return problems.gone(`eprint ${r.eprintid} has been retired`, {
    eprintid: r.eprintid,
    ...(r.title ? { title: r.title } : {}),
    ...(r.status_changed ? { retired: r.status_changed } : {}),
  });
}

/** The largest eprintid PostgreSQL's int column holds; anything above cannot exist. */
const MAX_ID = 2_147_483_647;

/** The record as `viewer` may see it on `surface`, or the problem (404, 410) that says why not. */
export async function readForPublic(pool: pg.Pool, eprintid: number, viewer: Viewer, surface: Surface): Promise<EPrint> {
  return (await readRow(pool, eprintid, viewer, surface, false)).record;
}

/**
 * The abstract page's read: the record as readForPublic gives it, and the depositing user's
 * name from the user table (never the username or e-mail) when it has a part, in the same
 * statement.
 */
export async function readPageForPublic(pool: pg.Pool, eprintid: number, viewer: Viewer): Promise<{ record: EPrint; depositor?: Name }> {
  const { record, depositor } = await readRow(pool, eprintid, viewer, "export", true);
  const named = depositor && Object.values(depositor).some((v) => typeof v === "string" && v !== "");
  return named ? { record, depositor: depositor as Name } : { record };
}

async function readRow(
  pool: pg.Pool,
  eprintid: number,
  viewer: Viewer,
  surface: Surface,
  withDepositor: boolean,
): Promise<{ record: EPrint; depositor?: Record<string, unknown> }> {
  const row = eprintid >= 1 && eprintid <= MAX_ID ? await loadRow(pool, eprintid, viewer, withDepositor) : undefined;
  if (!row) throw problems.notFound(`eprint ${eprintid}`);
  const access = publicAccess(viewer, row, surface);
  if (access === "hidden") throw problems.notFound(`eprint ${eprintid}`);
  const record = recordOf(row);
  if (access === "gone") throw tombstone(record);
  return { record: viewFor(viewer, record), ...(row.depositor ? { depositor: row.depositor } : {}) };
}

interface Row {
  eprint_status: EPrint["eprint_status"];
  userid: number | null;
  public_json: string | null;
  data: EPrint | null;
  depositor?: Record<string, unknown> | null;
}

/**
 * What is needed of the row. Most readers are anonymous readers of the archive, and for them
 * `public_json` is the record already: the public view the store writes with every archive
 * row, as text, so PostgreSQL sends it without converting jsonb (which costs it three times
 * as much) and it is not validated again. The full `data` is read for everyone else (staff
 * and owners see more; a retired record's tombstone needs it).
 */
async function loadRow(pool: pg.Pool, eprintid: number, viewer: Viewer, withDepositor: boolean): Promise<Row | undefined> {
  const { rows } = await pool.query<Row>(
    `SELECT eprint_status, userid, public_json, CASE WHEN public_json IS NULL OR $2 THEN data END AS data${
      withDepositor ? `, (SELECT name FROM "user" u WHERE u.userid = e.userid) AS depositor` : ""
    } FROM eprint e WHERE eprintid = $1`,
    [eprintid, viewer.kind !== "anonymous"],
  );
  return rows[0];
}

function recordOf(row: Row): EPrint {
  if (row.data) {
    // parsed again: JSONB does not keep key order, and renderings list fields in dataset order
    return EPrintSchema.parse(row.data);
  }
  return JSON.parse(row.public_json!) as EPrint;
}

/** The ids `viewer` may see on `surface`, in numeric order (the REST dataset listing). */
export async function visibleIds(pool: pg.Pool, viewer: Viewer, surface: Surface): Promise<number[]> {
  const args: unknown[] = [];
  const where = visibleWhere(viewer, surface, args);
  const { rows } = await pool.query<{ eprintid: number }>(`SELECT eprintid FROM eprint ${where ? `WHERE ${where}` : ""} ORDER BY eprintid`, args);
  return rows.map((r) => r.eprintid);
}

/** SQL condition (pushing its arguments onto `args`) for the rows publicAccess answers "full". */
function visibleWhere(viewer: Viewer, surface: Surface, args: unknown[]): string {
  if (isStaff(viewer)) return "";
  const me = useridOf(viewer);
  if (surface === "export" && me !== undefined) {
    args.push(me);
    return `(eprint_status = 'archive' OR (userid = $${args.length} AND eprint_status IN ('inbox', 'buffer')))`;
  }
  return "eprint_status = 'archive'";
}

