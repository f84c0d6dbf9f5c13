/**
 * The eprint lifecycle: create, read, replace, patch, move through the workflow, delete,
 * revisions and listing. Every write is one transaction that updates the row, keeps the
 * revision and appends to the change feed, guarded by the revision number so concurrent
 * writers cannot overwrite each other (HTTP If-Match maps onto `expectedRev`).
 */
import { z } from "zod";
import type { Database } from "../db/index.js";
import { isStaff, useridOf, type Viewer } from "../accounts/viewer.js";
import { fieldPath, problems, type FieldProblem } from "../errors.js";
import { EPRINT_FIELDS, eprintDir } from "./fields.js";
import { allowedMoves, canDelete, canEdit, keepHiddenIds, readAccess, viewFor } from "./policy.js";
import { EPrintInputSchema, EPrintSchema, type EPrint, type EPrintInput, type EPrintStatus } from "./schema.js";
import type { SubjectStore } from "./subject-store.js";
import type { SubjectTree } from "./subjects.js";
import { fromEprintsTime, nowSeconds, toEprintsTime } from "./time.js";
import type { TokenSigner } from "./cursor.js";
import { EPrintSearch, type SearchFilter, type SearchPage } from "./search.js";
import { IdempotencyKeys, type IdempotentRequest } from "./idempotency.js";

const FIELD_ORDER = new Map(EPRINT_FIELDS.map((f, i) => [f.name, i]));

/** Keys in dataset order, so every JSON rendering of a record reads the same way. */
export function ordered(r: Record<string, unknown>): EPrint {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(r).sort((a, b) => (FIELD_ORDER.get(a) ?? 999) - (FIELD_ORDER.get(b) ?? 999))) {
    if (r[k] !== undefined) out[k] = r[k];
  }
  return out as EPrint;
}

export function etagOf(r: Pick<EPrint, "eprintid" | "rev_number">): string {
  return `"${r.eprintid}-${r.rev_number}"`;
}

export function zodProblems(err: z.ZodError, prefix?: string): FieldProblem[] {
  return err.issues.map((i) => {
    let message = i.message;
    if (i.code === "unrecognized_keys") {
      return { field: fieldPath([...(prefix ? [prefix] : []), ...i.path, ...(i.keys.length === 1 ? [i.keys[0]!] : [])]), message: `unknown field${i.keys.length > 1 ? `s ${i.keys.join(", ")}` : ""}: not an EPrints field` };
    }
    if (i.code === "invalid_value" && "values" in i) message = `must be one of: ${(i.values as unknown[]).join(", ")}`;
    return { field: fieldPath([...(prefix ? [prefix] : []), ...i.path]), message };
  });
}

/** Subject and division ids must exist in the tree, under the right top node. */
export function subjectProblems(input: Partial<EPrintInput>, tree: SubjectTree): FieldProblem[] {
  const out: FieldProblem[] = [];
  for (const [field, top] of [
    ["subjects", "subjects"],
    ["divisions", "divisions"],
  ] as const) {
    input[field]?.forEach((id, i) => {
      if (!tree.get(id)) out.push({ field: `${field}[${i}]`, message: `unknown ${field === "subjects" ? "subject" : "division"} ${id}` });
      else if (tree.topOf(id) !== top) out.push({ field: `${field}[${i}]`, message: `${id} is not in the ${top} tree` });
    });
  }
  return out;
}

function validateInput(body: unknown, tree: SubjectTree): EPrintInput {
  const parsed = EPrintInputSchema.safeParse(body);
  if (!parsed.success) throw problems.invalid(zodProblems(parsed.error));
  const subj = subjectProblems(parsed.data, tree);
  if (subj.length) throw problems.invalid(subj);
  return parsed.data;
}

function metadataOf(r: EPrint): Record<string, unknown> {
  const out: Record<string, unknown> = { ...r };
  for (const k of ["eprintid", "rev_number", "eprint_status", "userid", "importid", "dir", "datestamp", "lastmod", "status_changed", "item_issues_count", "sword_depositor"]) delete out[k];
  return out;
}

/**
 * Deeper than any record goes (creators[].name.family is four levels): a patch nested
 * further cannot be valid, and recursing into it would overflow the stack.
 */
const MAX_PATCH_DEPTH = 32;

/** RFC 7396 JSON merge patch. */
export function mergePatch(target: unknown, patch: unknown, depth = 0): unknown {
  if (patch === null || typeof patch !== "object" || Array.isArray(patch)) return patch;
  if (depth >= MAX_PATCH_DEPTH) throw problems.invalid([{ field: "(body)", message: `a merge patch may be nested at most ${MAX_PATCH_DEPTH} levels deep` }]);
  const base: Record<string, unknown> = target && typeof target === "object" && !Array.isArray(target) ? { ...(target as object) } : {};
  for (const [k, v] of Object.entries(patch as object)) {
    if (v === null) delete base[k];
    else base[k] = mergePatch(base[k], v, depth + 1);
  }
  return base;
}

type Row = { data: EPrint };

/**
 * After writing records with ids of their own: move the id sequence past them, inside the
 * writing transaction, so no crash between the commit and this step can leave the sequence
 * behind (the next deposit would collide). Forward only: a sequence already ahead (ids
 * handed out to deposits in flight) is left alone. setval is not undone by a rollback,
 * which at worst leaves a gap in the ids.
 */
const ADVANCE_EPRINTID = `SELECT setval(s.name, m.id)
  FROM (SELECT pg_get_serial_sequence('eprint', 'eprintid') AS name) s, (SELECT max(eprintid) AS id FROM eprint) m
  WHERE m.id > COALESCE(pg_sequence_last_value(s.name::regclass), 0)`;

/** The list API's parameters: the search module's (filters, full text, sort, cursor, facets). */
export type ListQuery = SearchFilter;

export interface Page<T> {
  items: T[];
  next: string | null;
  total: number;
}

export class EPrintStore {
  private searcher?: EPrintSearch;
  /** Idempotency-Key bookkeeping for deposits. */
  readonly keys: IdempotencyKeys;

  constructor(
    private readonly db: Database,
    private readonly subjects: SubjectStore,
    private readonly signer: TokenSigner,
  ) {
    this.keys = new IdempotencyKeys(db);
  }

  /**
   * The stored record, unfiltered; undefined when it does not exist. Parsed again because
   * JSONB does not keep key order, and every rendering of a record lists fields in dataset
   * order.
   */
  async load(eprintid: number): Promise<EPrint | undefined> {
    const { rows } = await this.db.pool.query<Row>("SELECT data FROM eprint WHERE eprintid = $1", [eprintid]);
    return rows[0] ? EPrintSchema.parse(rows[0].data) : undefined;
  }

  /** The record as `viewer` may see it, or the problem that explains why not. */
  async get(eprintid: number, viewer: Viewer): Promise<EPrint> {
    const r = await this.load(eprintid);
    return this.visible(r, eprintid, viewer);
  }

  visible(r: EPrint | undefined, eprintid: number, viewer: Viewer): EPrint {
    if (!r) throw problems.notFound(`eprint ${eprintid}`);
    const access = readAccess(viewer, r);
    if (access === "hidden") throw problems.notFound(`eprint ${eprintid}`);
    if (access === "gone") throw retired(r);
    return viewFor(viewer, r);
  }

  /**
   * Anonymous read of a live record: the JSON written at commit time, one indexed query and
   * no per-request serialisation (the hot path of a discovery layer).
   */
  async publicJson(eprintid: number): Promise<{ json: string; rev_number: number; lastmod: Date } | { status: EPrintStatus; data?: EPrint } | undefined> {
    const { rows } = await this.db.readPool.query(
      "SELECT public_json, rev_number, lastmod, eprint_status, CASE WHEN eprint_status = 'deletion' THEN data END AS data FROM eprint WHERE eprintid = $1",
      [eprintid],
    );
    const row = rows[0];
    if (!row) return undefined;
    if (row.public_json) return { json: row.public_json, rev_number: row.rev_number, lastmod: row.lastmod };
    return { status: row.eprint_status, data: row.data ?? undefined };
  }

  async create(body: unknown, viewer: Viewer): Promise<EPrint> {
    return (await this.createOnce(body, viewer)).record;
  }

  /**
   * A deposit. With `request` (an Idempotency-Key and the request's fingerprint), at most
   * once per key and user: the key is claimed in the deposit's own transaction, and a retry
   * gets the record as the first request created it (`replayed`), even when the two race.
   */
  async createOnce(body: unknown, viewer: Viewer, request?: IdempotentRequest): Promise<{ record: EPrint; replayed: boolean }> {
    const userid = useridOf(viewer);
    if (userid === undefined) throw problems.unauthorized();
    // without a key, check before opening a transaction; with one, a retry must be answered
    // from the key (an edited body is 422, not whatever its validation says)
    const checked = request ? undefined : validateInput(body, await this.subjects.current());
    return this.db.prisma.$transaction(async (tx) => {
      if (request) {
        const earlier = await this.keys.claim(tx, userid, request);
        if (earlier !== undefined) return { record: EPrintSchema.parse(JSON.parse(earlier)), replayed: true };
      }
      const input = checked ?? validateInput(body, await this.subjects.current());
      const now = toEprintsTime(nowSeconds());
      const id = (await tx.$queryRaw<{ id: number }[]>`SELECT nextval(pg_get_serial_sequence('eprint', 'eprintid'))::int AS id`)[0]!.id;
      const record = ordered({
        ...input,
        eprintid: id,
        rev_number: 1,
        eprint_status: "inbox",
        userid,
        dir: eprintDir(id),
        lastmod: now,
        status_changed: now,
        metadata_visibility: input.metadata_visibility ?? "show",
        full_text_status: input.full_text_status ?? "none",
      });
      await insertRow(tx, record, "created", userid);
      if (request) await this.keys.settle(tx, userid, request, JSON.stringify(record));
      return { record, replayed: false };
    });
  }

  /**
   * Writes a record exactly as given (imports that keep ids, dates and revision numbers).
   * Replaces an existing record with the same id.
   */
  async putPreserved(record: EPrint, actor: number | null): Promise<void> {
    await this.db.prisma.$transaction(async (tx) => {
      await tx.$executeRaw`DELETE FROM eprint WHERE eprintid = ${record.eprintid}`;
      await insertRow(tx, record, "created", actor);
      await tx.$queryRawUnsafe(ADVANCE_EPRINTID);
    });
  }

  /** `n` fresh eprint ids from the sequence. */
  async allocateIds(n: number): Promise<number[]> {
    const { rows } = await this.db.pool.query(
      "SELECT nextval(pg_get_serial_sequence('eprint', 'eprintid'))::int AS id FROM generate_series(1, $1)",
      [n],
    );
    return rows.map((r) => r.id as number);
  }

  /**
   * Writes many complete records in one transaction with three set-based statements (the
   * import path: thousands of records a second). Records with ids that already exist are
   * replaced only when `replace` is set (an import that keeps ids); otherwise the whole
   * batch fails and nothing of it is written.
   */
  async insertBatch(records: EPrint[], actor: number | null, opts: { replace?: boolean } = {}): Promise<void> {
    if (!records.length) return;
    const rows = records.map((r) => {
      const row = rowOf(r);
      return {
        ...row,
        eprintid: r.eprintid,
        datestamp: row.datestamp && toEprintsTime(row.datestamp),
        lastmod: toEprintsTime(row.lastmod),
        status_changed: row.status_changed && toEprintsTime(row.status_changed),
      };
    });
    const client = await this.db.pool.connect();
    try {
      await client.query("BEGIN");
      if (opts.replace) await client.query("DELETE FROM eprint WHERE eprintid = ANY($1::int[])", [records.map((r) => r.eprintid)]);
      await client.query(
        `INSERT INTO eprint (eprintid, rev_number, eprint_status, userid, type, title, date, date_year, date_type, ispublished,
           refereed, id_number, publication, subjects, divisions, datestamp, lastmod, status_changed, data, public_json)
         SELECT r.eprintid, r.rev_number, r.eprint_status::eprint_status, r.userid, r.type, r.title, r.date, r.date_year, r.date_type,
           r.ispublished, r.refereed, r.id_number, r.publication,
           ARRAY(SELECT jsonb_array_elements_text(r.subjects)), ARRAY(SELECT jsonb_array_elements_text(r.divisions)),
           r.datestamp::timestamp, r.lastmod::timestamp, r.status_changed::timestamp, r.data, r.public_json
         FROM jsonb_to_recordset($1::jsonb) AS r(eprintid int, rev_number int, eprint_status text, userid int, type text, title text,
           date text, date_year int, date_type text, ispublished text, refereed boolean, id_number text, publication text,
           subjects jsonb, divisions jsonb, datestamp text, lastmod text, status_changed text, data jsonb, public_json text)`,
        [JSON.stringify(rows)],
      );
      await client.query(
        `INSERT INTO eprint_revision (eprintid, rev_number, data, lastmod, actor)
         SELECT eprintid, rev_number, data, lastmod, $2 FROM eprint WHERE eprintid = ANY($1::int[])`,
        [records.map((r) => r.eprintid), actor],
      );
      await client.query(
        `INSERT INTO eprint_change (eprintid, rev_number, action)
         SELECT eprintid, rev_number, 'created' FROM eprint WHERE eprintid = ANY($1::int[]) ORDER BY eprintid`,
        [records.map((r) => r.eprintid)],
      );
      if (opts.replace) await client.query(ADVANCE_EPRINTID);
      await client.query("COMMIT");
    } catch (err) {
      await client.query("ROLLBACK").catch(() => {});
      throw err;
    } finally {
      client.release();
    }
  }

  async replace(eprintid: number, body: unknown, ifMatch: string | undefined, viewer: Viewer): Promise<EPrint> {
    return this.update(eprintid, ifMatch, viewer, async (current) => {
      const input = validateInput(body, await this.subjects.current());
      if (!isStaff(viewer)) {
        input.creators = keepHiddenIds(input.creators, current.creators);
        input.editors = keepHiddenIds(input.editors, current.editors);
        input.contributors = keepHiddenIds(input.contributors, current.contributors);
      }
      return input;
    });
  }

  async patch(eprintid: number, patch: unknown, ifMatch: string | undefined, viewer: Viewer): Promise<EPrint> {
    if (patch === null || typeof patch !== "object" || Array.isArray(patch)) {
      throw problems.invalid([{ field: "(body)", message: "a JSON merge patch must be an object" }]);
    }
    return this.update(eprintid, ifMatch, viewer, async (current) =>
      validateInput(mergePatch(metadataOf(current), patch), await this.subjects.current()),
    );
  }

  private async update(
    eprintid: number,
    ifMatch: string | undefined,
    viewer: Viewer,
    next: (current: EPrint) => Promise<EPrintInput>,
  ): Promise<EPrint> {
    const current = this.visibleForWrite(await this.load(eprintid), eprintid, viewer);
    if (!canEdit(viewer, current)) {
      throw problems.forbidden(
        current.eprint_status === "deletion"
          ? "a retired record cannot be edited; move it back to the archive first"
          : `you may not edit an item in ${current.eprint_status}`,
      );
    }
    checkIfMatch(ifMatch, current);
    const input = await next(current);
    const now = nowSeconds();
    const record = ordered({
      ...systemOf(current),
      ...input,
      rev_number: current.rev_number + 1,
      lastmod: laterThan(now, current.lastmod),
    });
    await this.commit(record, current.rev_number, "updated", useridOf(viewer) ?? null);
    return viewFor(viewer, record);
  }

  async move(eprintid: number, to: EPrintStatus, ifMatch: string | undefined, viewer: Viewer): Promise<EPrint> {
    const current = this.visibleForWrite(await this.load(eprintid), eprintid, viewer);
    if (current.eprint_status === to) throw problems.conflict(`eprint ${eprintid} is already in ${to}`);
    const moves = allowedMoves(viewer, current);
    if (!moves.includes(to)) {
      throw problems.forbidden(
        moves.length
          ? `from ${current.eprint_status} you may move this item to: ${moves.join(", ")}`
          : `you may not move an item out of ${current.eprint_status}`,
      );
    }
    if (ifMatch !== undefined) checkIfMatch(ifMatch, current);
    const now = laterThan(nowSeconds(), current.lastmod);
    const record = ordered({
      ...current,
      eprint_status: to,
      rev_number: current.rev_number + 1,
      lastmod: now,
      status_changed: now,
      // EPrints sets datestamp the first time an item goes live, and never again
      datestamp: current.datestamp ?? (to === "archive" ? now : undefined),
    });
    const action = to === "deletion" ? "retired" : to === "archive" && current.eprint_status === "deletion" ? "reinstated" : "moved";
    await this.commit(record, current.rev_number, action, useridOf(viewer) ?? null);
    return viewFor(viewer, record);
  }

  async remove(eprintid: number, ifMatch: string | undefined, viewer: Viewer): Promise<void> {
    const current = this.visibleForWrite(await this.load(eprintid), eprintid, viewer);
    if (!canDelete(viewer, current)) {
      throw current.eprint_status === "archive" || current.eprint_status === "deletion"
        ? problems.conflict("items that have been public are never deleted: retire them (move to deletion) instead")
        : problems.forbidden(`you may not delete an item in ${current.eprint_status}`);
    }
    if (ifMatch !== undefined) checkIfMatch(ifMatch, current);
    await this.db.prisma.$transaction(async (tx) => {
      const n = await tx.$executeRaw`DELETE FROM eprint WHERE eprintid = ${eprintid} AND rev_number = ${current.rev_number}`;
      if (n === 0) throw problems.preconditionFailed(`eprint ${eprintid} changed while it was being deleted`);
      await tx.$executeRaw`INSERT INTO eprint_change (eprintid, rev_number, action) VALUES (${eprintid}, ${current.rev_number}, 'deleted')`;
    });
  }

  async revisions(eprintid: number, viewer: Viewer): Promise<{ rev_number: number; lastmod: string; actor: number | null }[]> {
    this.requireHistoryAccess(await this.load(eprintid), eprintid, viewer);
    const { rows } = await this.db.pool.query(
      "SELECT rev_number, lastmod, actor FROM eprint_revision WHERE eprintid = $1 ORDER BY rev_number",
      [eprintid],
    );
    return rows.map((r) => ({ rev_number: r.rev_number, lastmod: toEprintsTime(r.lastmod), actor: r.actor }));
  }

  async revision(eprintid: number, rev: number, viewer: Viewer): Promise<EPrint> {
    this.requireHistoryAccess(await this.load(eprintid), eprintid, viewer);
    const { rows } = await this.db.pool.query<Row>("SELECT data FROM eprint_revision WHERE eprintid = $1 AND rev_number = $2", [eprintid, rev]);
    if (!rows[0]) throw problems.notFound(`revision ${rev} of eprint ${eprintid}`);
    return viewFor(viewer, rows[0].data);
  }

  /** Revision history is EPrints' `history` privilege: the owner and staff. */
  private requireHistoryAccess(r: EPrint | undefined, eprintid: number, viewer: Viewer): void {
    const v = this.visible(r, eprintid, viewer);
    if (!isStaff(viewer) && useridOf(viewer) !== v.userid) throw problems.forbidden("only the owner and editors may read an item's history");
  }

  /** Writers must be able to see the record; a hidden one is 404, a retired one is visible to staff. */
  private visibleForWrite(r: EPrint | undefined, eprintid: number, viewer: Viewer): EPrint {
    if (viewer.kind === "anonymous") throw problems.unauthorized();
    if (!r) throw problems.notFound(`eprint ${eprintid}`);
    const access = readAccess(viewer, r);
    if (access === "hidden") throw problems.notFound(`eprint ${eprintid}`);
    if (access === "gone") throw retired(r);
    return r;
  }

  private async commit(record: EPrint, expectedRev: number, action: string, actor: number | null): Promise<void> {
    await this.db.prisma.$transaction(async (tx) => {
      const row = rowOf(record);
      const n = await tx.eprint.updateMany({ where: { eprintid: record.eprintid, rev_number: expectedRev }, data: row });
      if (n.count === 0) throw problems.preconditionFailed(`eprint ${record.eprintid} was changed by someone else; fetch it again`);
      await tx.eprint_revision.create({
        data: { eprintid: record.eprintid, rev_number: record.rev_number, data: record, lastmod: row.lastmod, actor },
      });
      await tx.eprint_change.create({ data: { eprintid: record.eprintid, rev_number: record.rev_number, action } });
    });
  }

  /** Search and listing (records/search.ts): filters, full text, sorts, keyset cursors, facets. */
  get search(): EPrintSearch {
    this.searcher ??= new EPrintSearch(this.db, this.subjects, this.signer);
    return this.searcher;
  }

  /** One page of the records `viewer` may see that match `q`. */
  async list(q: ListQuery, viewer: Viewer): Promise<SearchPage> {
    return this.search.page(q, viewer);
  }
}

function retired(r: EPrint) {
  return problems.gone(`eprint ${r.eprintid} has been retired`, {
    eprintid: r.eprintid,
    ...(r.title ? { title: r.title } : {}),
    ...(r.status_changed ? { retired: r.status_changed } : {}),
  });
}

function checkIfMatch(ifMatch: string | undefined, current: EPrint): void {
  if (ifMatch === undefined) throw problems.preconditionRequired();
  const tags = ifMatch.split(",").map((t) => t.trim().replace(/^W\//, ""));
  if (!tags.includes("*") && !tags.includes(etagOf(current))) {
    throw problems.preconditionFailed(`If-Match ${ifMatch} does not match the current ETag ${etagOf(current)}`);
  }
}

/** lastmod must move forward even when two writes land in the same second. */
function laterThan(now: Date, previous: string): string {
  const prev = fromEprintsTime(previous);
  return toEprintsTime(now.getTime() > prev.getTime() ? now : new Date(prev.getTime() + 1000));
}

function systemOf(r: EPrint): Partial<EPrint> {
  const { eprintid, rev_number, eprint_status, userid, importid, dir, datestamp, lastmod, status_changed, item_issues_count, sword_depositor } = r;
  return { eprintid, rev_number, eprint_status, userid, importid, dir, datestamp, lastmod, status_changed, item_issues_count, sword_depositor };
}

/** The typed columns copied out of the record for queries. */
export function rowOf(r: EPrint) {
  return {
    rev_number: r.rev_number,
    eprint_status: r.eprint_status,
    userid: r.userid ?? null,
    type: r.type,
    title: r.title ?? null,
    date: r.date ?? null,
    date_year: r.date ? Number(r.date.slice(0, 4)) : null,
    date_type: r.date_type ?? null,
    ispublished: r.ispublished ?? null,
    refereed: r.refereed ?? null,
    id_number: r.id_number ?? null,
    publication: r.publication ?? null,
    subjects: r.subjects ?? [],
    divisions: r.divisions ?? [],
    datestamp: r.datestamp ? fromEprintsTime(r.datestamp) : null,
    lastmod: fromEprintsTime(r.lastmod),
    status_changed: r.status_changed ? fromEprintsTime(r.status_changed) : null,
    data: r,
    public_json: r.eprint_status === "archive" ? JSON.stringify(viewFor({ kind: "anonymous" }, r)) : null,
  };
}

type Tx = Parameters<Parameters<Database["prisma"]["$transaction"]>[0]>[0];

async function insertRow(tx: Tx, record: EPrint, action: string, actor: number | null): Promise<void> {
  EPrintSchema.parse(record);
  const row = rowOf(record);
  await tx.eprint.create({ data: { eprintid: record.eprintid, ...row } });
  await tx.eprint_revision.create({
    data: { eprintid: record.eprintid, rev_number: record.rev_number, data: record, lastmod: row.lastmod, actor },
  });
  await tx.eprint_change.create({ data: { eprintid: record.eprintid, rev_number: record.rev_number, action } });
}
