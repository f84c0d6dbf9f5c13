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
import { EPrintSchema, type EPrint } from "./schema.js";

export type Surface = "export" | "rest";

export type PublicAccess = "full" | "gone" | "hidden";

export function publicAccess(v: Viewer, r: Pick<EPrint, "eprint_status" | "userid">, surface: Surface): PublicAccess {
  if (isStaff(v)) return "full";
  if (r.eprint_status === "archive") return "full";
  if (r.eprint_status === "deletion") return "gone";
  return surface === "export" && isOwner(v, r) ? "full" : "hidden";
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
  const r = eprintid >= 1 && eprintid <= MAX_ID ? await loadRecord(pool, eprintid) : undefined;
  if (!r) throw problems.notFound(`eprint ${eprintid}`);
  const access = publicAccess(viewer, r, surface);
  if (access === "hidden") throw problems.notFound(`eprint ${eprintid}`);
  if (access === "gone") throw tombstone(r);
  return viewFor(viewer, r);
}

async function loadRecord(pool: pg.Pool, eprintid: number): Promise<EPrint | undefined> {
  const { rows } = await pool.query<{ data: EPrint }>("SELECT data FROM eprint WHERE eprintid = $1", [eprintid]);
  // parsed again: JSONB does not keep key order, and renderings list fields in dataset order
  return rows[0] ? EPrintSchema.parse(rows[0].data) : undefined;
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

