/**
 * The eprint lifecycle: create, read, replace, patch, move through the workflow, delete,
 * revisions and listing. Every write is one transaction that updates the row, keeps the
 * revision and appends to the change feed, guarded by the revision number so concurrent
 * writers cannot overwrite each other (HTTP If-Match maps onto `expectedRev`).
 */
import type pg from "pg";
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
  return checkedInput(parsed.data, tree);
}

/** Input EPrintInputSchema has already parsed: what remains to check is the subject tree. */
function checkedInput(input: EPrintInput, tree: SubjectTree): EPrintInput {
  const subj = subjectProblems(input, tree);
  if (subj.length) throw problems.invalid(subj);
  return input;
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
 * which at worst leaves a gap in the ids. Two such transactions can run at once (an import
 * writes batches concurrently): the transaction lock (ADVANCE_LOCK, taken first, in its own
 * statement so the next one sees what committed meanwhile) keeps one from moving the
 * sequence back below the other's ids.
 */
const ADVANCE_LOCK = "SELECT pg_advisory_xact_lock(hashtext('vellum.eprintid_sequence'))";
const ADVANCE_EPRINTID = `SELECT setval(s.name, m.id)
  FROM (SELECT pg_get_serial_sequence('eprint', 'eprintid') AS name) s, (SELECT max(eprintid) AS id FROM eprint) m
  WHERE m.id > COALESCE(pg_sequence_last_value(s.name::regclass), 0)`;

/** The eprint columns a write sets (rowJson's keys); the search columns are the database's. */
const ROW_COLUMNS = [
  "eprintid", "rev_number", "eprint_status", "userid", "type", "title", "date", "date_year", "date_type", "ispublished",
  "refereed", "id_number", "publication", "subjects", "divisions", "datestamp", "lastmod", "status_changed", "data", "public_json",
] as const;
const COLUMN_LIST = ROW_COLUMNS.join(", ");

/**
 * One record written in one statement, so one transaction and one round trip: the row
 * (trigger eprint_search_maintain_insert builds its search document), its first revision and
 * its entry in the change feed. $1 is rowJson(record), $2 the actor, $3 the feed's action.
 * (The feed's trigger reads the new row: a row-level trigger sees the rows its statement
 * wrote before it, and the feed's row is made from the inserted one.)
 */
const INSERT_ONE = `WITH e AS (
    INSERT INTO eprint (${COLUMN_LIST})
    SELECT ${COLUMN_LIST} FROM jsonb_populate_record(NULL::eprint, $1::jsonb)
    RETURNING eprintid, rev_number, data, lastmod
  ), r AS (
    INSERT INTO eprint_revision (eprintid, rev_number, data, lastmod, actor) SELECT eprintid, rev_number, data, lastmod, $2 FROM e
  )
  INSERT INTO eprint_change (eprintid, rev_number, action) SELECT eprintid, rev_number, $3 FROM e`;

/** The same for a new revision of a record, guarded by the revision it replaces ($4): no row when someone else wrote first. */
const UPDATE_ONE = `WITH e AS (
    UPDATE eprint t SET ${ROW_COLUMNS.filter((c) => c !== "eprintid").map((c) => `${c} = n.${c}`).join(", ")}
      FROM jsonb_populate_record(NULL::eprint, $1::jsonb) n
     WHERE t.eprintid = n.eprintid AND t.rev_number = $4
    RETURNING t.eprintid, t.rev_number, t.data, t.lastmod
  ), r AS (
    INSERT INTO eprint_revision (eprintid, rev_number, data, lastmod, actor) SELECT eprintid, rev_number, data, lastmod, $2 FROM e
  )
  INSERT INTO eprint_change (eprintid, rev_number, action) SELECT eprintid, rev_number, $3 FROM e`;

/**
 * Many records in one statement (insertBatch). The search documents of the whole batch are
 * computed in one call of vellum_search_documents (the same function the trigger calls for
 * one row), which joins the batch's creators, keywords and subjects once instead of running
 * small queries per row; the transaction says so (vellum.search_documents = 'supplied') and
 * the insert trigger stands aside. $1 is a JSON array of the rows (storedRow) as UTF-8
 * bytes, $2 the actor, $3 their public_json texts (storedRow; SEPARATOR between them).
 */
const INSERT_MANY = `WITH a AS MATERIALIZED (
    SELECT a.n, jsonb_populate_record(NULL::eprint, a.j) AS e
      FROM jsonb_array_elements(convert_from($1::bytea, 'UTF8')::jsonb) WITH ORDINALITY AS a(j, n)
  ), p AS (
    SELECT p.n, nullif(p.t, '-') AS public_json
      FROM unnest(string_to_array(convert_from($3::bytea, 'UTF8'), E'\\x1e')) WITH ORDINALITY AS p(t, n)
  ), d AS (
    SELECT * FROM vellum_search_documents(ARRAY(SELECT a.e FROM a ORDER BY a.n))
  ), ins AS (
    INSERT INTO eprint (${COLUMN_LIST}, search, filter_keys, title_sort, metadata_visibility)
    SELECT ${ROW_COLUMNS.map((c) => (c === "public_json" ? "p.public_json" : `(a.e).${c}`)).join(", ")}, d.search, d.filter_keys, d.title_sort, d.metadata_visibility
      FROM a JOIN d ON d.i = a.n JOIN p ON p.n = a.n
    RETURNING eprintid, rev_number, data, lastmod
  )
  INSERT INTO eprint_revision (eprintid, rev_number, data, lastmod, actor) SELECT eprintid, rev_number, data, lastmod, $2 FROM ins`;

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
   * `opts.validated` says `body` is already the output of EPrintInputSchema (the route's
   * schema parsed it): only the checks the schema cannot make (subjects) run again.
   */
  async createOnce(
    body: unknown,
    viewer: Viewer,
    request?: IdempotentRequest,
    opts: { validated?: boolean } = {},
  ): Promise<{ record: EPrint; replayed: boolean }> {
    const userid = useridOf(viewer);
    if (userid === undefined) throw problems.unauthorized();
    const check = async () => (opts.validated ? checkedInput(body as EPrintInput, await this.subjects.current()) : validateInput(body, await this.subjects.current()));
    if (!request) {
      // one round trip for the id, one statement (one transaction) for the row, its revision and its feed entry
      const record = newRecord(await check(), await this.nextId(), userid);
      await this.db.pool.query(INSERT_ONE, [rowJson(record), userid, "created"]);
      return { record, replayed: false };
    }
    // with a key, a retry must be answered from the key (an edited body is 422, not
    // whatever its validation says): claim first, inside the deposit's transaction
    return this.transaction(async (client) => {
      const earlier = await this.keys.claim(client, userid, request);
      if (earlier !== undefined) return { record: EPrintSchema.parse(JSON.parse(earlier)), replayed: true };
      const record = newRecord(await check(), await this.nextId(client), userid);
      await client.query(INSERT_ONE, [rowJson(record), userid, "created"]);
      await this.keys.settle(client, userid, request, JSON.stringify(record));
      return { record, replayed: false };
    });
  }

  private async nextId(client: Pick<pg.PoolClient, "query"> = this.db.pool): Promise<number> {
    const { rows } = await client.query("SELECT nextval(pg_get_serial_sequence('eprint', 'eprintid'))::int AS id");
    return rows[0].id as number;
  }

  /** `fn` inside one transaction on one connection of the primary pool. */
  private async transaction<T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.db.pool.connect();
    // a connection lost while the client is checked out is reported here (the pool listens
    // only to idle clients; unheard, the error would end the process); the statement that
    // meets it fails, and the pool drops the client when it comes back
    const lost = () => {};
    client.on("error", lost);
    try {
      await client.query("BEGIN");
      const out = await fn(client);
      await client.query("COMMIT");
      return out;
    } catch (err) {
      await client.query("ROLLBACK").catch(() => {});
      throw err;
    } finally {
      client.off("error", lost);
      client.release();
    }
  }

  /**
   * Writes a record exactly as given (imports that keep ids, dates and revision numbers).
   * Replaces an existing record with the same id.
   */
  async putPreserved(record: EPrint, actor: number | null): Promise<void> {
    EPrintSchema.parse(record);
    await this.insertBatch([record], actor, { replace: true });
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
   * Writes many complete records in one transaction with a few set-based statements (the
   * import path: thousands of records a second). Records with ids that already exist are
   * replaced only when `replace` is set (an import that keeps ids); otherwise the whole
   * batch fails and nothing of it is written.
   */
  async insertBatch(records: EPrint[], actor: number | null, opts: { replace?: boolean } = {}): Promise<void> {
    await this.insertRows(records.map(storedRow), actor, opts);
  }

  /**
   * insertBatch for records already serialised (storedRow): an importer holding thousands
   * of records between reading and writing them holds their bytes rather than their object
   * graphs, which the garbage collector would copy again and again.
   */
  async insertRows(rows: StoredRow[], actor: number | null, opts: { replace?: boolean } = {}): Promise<void> {
    if (!rows.length) return;
    const ids = rows.map((r) => r.eprintid);
    const parts: Buffer[] = [OPEN_BRACKET];
    const publics: Buffer[] = [];
    for (const [i, r] of rows.entries()) {
      parts.push(i ? COMMA : EMPTY, r.json);
      publics.push(i ? SEPARATOR : EMPTY, r.public ?? NO_PUBLIC_JSON);
    }
    parts.push(CLOSE_BRACKET);
    const json = Buffer.concat(parts);
    await this.transaction(async (client) => {
      if (opts.replace) await client.query("DELETE FROM eprint WHERE eprintid = ANY($1::int[])", [ids]);
      await client.query("SELECT set_config('vellum.search_documents', 'supplied', true)");
      await client.query(INSERT_MANY, [json, actor, Buffer.concat(publics)]);
      await client.query("SELECT set_config('vellum.search_documents', '', true)");
      await client.query(
        `INSERT INTO eprint_change (eprintid, rev_number, action)
         SELECT id, rev, 'created' FROM unnest($1::int[], $2::int[]) AS c(id, rev) ORDER BY id`,
        [ids, rows.map((r) => r.rev_number)],
      );
      if (opts.replace) {
        await client.query(ADVANCE_LOCK);
        await client.query(ADVANCE_EPRINTID);
      }
    });
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
    // one statement: the row goes and the feed says so, or neither
    const { rowCount } = await this.db.pool.query(
      `WITH d AS (DELETE FROM eprint WHERE eprintid = $1 AND rev_number = $2 RETURNING eprintid, rev_number)
       INSERT INTO eprint_change (eprintid, rev_number, action) SELECT eprintid, rev_number, 'deleted' FROM d`,
      [eprintid, current.rev_number],
    );
    if (rowCount === 0) throw problems.preconditionFailed(`eprint ${eprintid} changed while it was being deleted`);
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
    const { rowCount } = await this.db.pool.query(UPDATE_ONE, [rowJson(record), actor, action, expectedRev]);
    if (rowCount === 0) throw problems.preconditionFailed(`eprint ${record.eprintid} was changed by someone else; fetch it again`);
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

/** An EPrints time as PostgreSQL reads a timestamp: `YYYY-MM-DD hh:mm:ss` (date-only values at midnight). */
function sqlTime(t: string): string {
  return toEprintsTime(fromEprintsTime(t));
}

/** The typed columns of rowOf, times as text: what jsonb_populate_record(NULL::eprint, …) reads. */
function columnsOf(r: EPrint) {
  return {
    eprintid: r.eprintid,
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
    datestamp: r.datestamp ? sqlTime(r.datestamp) : null,
    lastmod: sqlTime(r.lastmod),
    status_changed: r.status_changed ? sqlTime(r.status_changed) : null,
  };
}

/** What anonymous readers get for a live record (public_json), serialised once on write. */
function publicJsonOf(r: EPrint): string | null {
  return r.eprint_status === "archive" ? JSON.stringify(viewFor({ kind: "anonymous" }, r)) : null;
}

/** rowOf as one JSON object for jsonb_populate_record(NULL::eprint, …): the single-record statements' $1. */
export function rowJson(r: EPrint): string {
  return JSON.stringify({ ...columnsOf(r), data: r, public_json: publicJsonOf(r) });
}

/**
 * A record ready for insertRows: its id and revision, its columns and `data` as one JSON
 * object, and public_json, as UTF-8 bytes. Bytes live outside the JavaScript heap (the
 * garbage collector neither scans nor copies them) and go to PostgreSQL as they are;
 * public_json travels apart from the JSON so it is not escaped into a JSON string and
 * parsed out of one again.
 */
export interface StoredRow {
  eprintid: number;
  rev_number: number;
  json: Buffer;
  public: Buffer | null;
}

export function storedRow(r: EPrint): StoredRow {
  const columns = JSON.stringify(columnsOf(r));
  const publicJson = publicJsonOf(r);
  return {
    eprintid: r.eprintid,
    rev_number: r.rev_number,
    json: Buffer.from(`${columns.slice(0, -1)},"data":${JSON.stringify(r)}}`, "utf8"),
    public: publicJson === null ? null : Buffer.from(publicJson, "utf8"),
  };
}

const OPEN_BRACKET = Buffer.from("[");
const CLOSE_BRACKET = Buffer.from("]");
const COMMA = Buffer.from(",");
const EMPTY = Buffer.alloc(0);
/**
 * public_json of many rows in one text: JSON.stringify escapes every control character, so
 * U+001E never occurs in JSON text and can separate them; "-" (never JSON) stands for none.
 */
const SEPARATOR = Buffer.from("\u001e");
const NO_PUBLIC_JSON = Buffer.from("-");

/** A new deposit: the depositor's metadata and what the system sets. */
function newRecord(input: EPrintInput, id: number, userid: number): EPrint {
  const now = toEprintsTime(nowSeconds());
  return ordered({
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
}
