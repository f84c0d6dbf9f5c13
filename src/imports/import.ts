/**
 * Importing records in bulk (EPrints' bin/import and Import plugins): EP3 XML documents of
 * eprints, subjects or users, and BibTeX. Records stream in, are checked one by one and
 * committed in batches, so a 500 MB file runs in bounded memory; a record that fails its
 * checks is reported with its position and never written, and the batch it was in commits
 * without it.
 *
 * A depositor's import creates inbox items they own. An admin may keep what the file says
 * (`preserveIds`: eprintid, rev_number, status, userid, datestamp, lastmod, as EPrints'
 * --enable-import-fields does): the migration path from an existing EPrints repository.
 */
import { isAdmin, isStaff, useridOf, type Viewer } from "../accounts/viewer.js";
import { problems, type FieldProblem } from "../errors.js";
import { eprintFromNode, readEp3Xml, subjectFromNode, userFromNode, type ReadItem, XmlInputError } from "../formats/ep3-reader.js";
import { eprintDir } from "../records/fields.js";
import { z } from "zod";
import { identifierIssues, metadataShape, systemShape, type EPrint } from "../records/schema.js";
import { storedRow, subjectProblems, zodProblems, type StoredRow } from "../records/store.js";
import type { Subject } from "../records/subjects.js";
import { nowSeconds, toEprintsTime } from "../records/time.js";
import type { Services } from "../services.js";
import { bibtexToInputs } from "./bibtex.js";

export interface ImportOptions {
  viewer: Viewer;
  preserveIds?: boolean;
  batchSize?: number;
  onProgress?: (p: { records: number; created: number; failed: number }) => void;
}

export interface RecordProblem {
  /** 1-based position of the record in the file. */
  position: number;
  line?: number;
  eprintid?: number;
  errors: FieldProblem[];
}

export interface ImportReport {
  kind: "eprints" | "subjects" | "users";
  created: number[];
  /** Subjects and users imported (their ids). */
  imported: (string | number)[];
  failed: RecordProblem[];
  warnings: RecordProblem[];
  /** A fault that stopped the import part-way (e.g. malformed XML): records before it are kept. */
  aborted?: { position: number; line?: number; message: string };
}

interface Candidate {
  position: number;
  line?: number;
  data: Record<string, unknown>;
  issues: FieldProblem[];
  /** Characters of text in the record, when the reader counted them. */
  chars?: number;
}

/**
 * What an import may hold at once, so that a hostile or broken file cannot exhaust memory:
 * the report lists at most this many failed records (the import stops at the next one) and
 * this many records with warnings (the rest are counted), and a batch is written once its
 * records hold this much text, whatever their number.
 */
const MAX_FAILED = 1_000;
const MAX_WARNINGS = 1_000;
const MAX_BATCH_CHARS = 32 * 1024 * 1024;
const MAX_SUBJECTS = 100_000;

/** Warnings past MAX_WARNINGS, counted per report. */
const warningsOmitted = new WeakMap<ImportReport, number>();

const SYSTEM_KEYS = new Set(Object.keys(systemShape));

/**
 * A record is checked in two parts, each once: its metadata (the deposit schema without the
 * identifier checks, which are warnings on import) and the system fields (made here, or read
 * from the file with preserve=ids). Together they are EPrintSchema, and the parsed parts,
 * system fields first, are the record EPrintSchema.parse would give.
 */
const MetadataSchema = z.strictObject(metadataShape);
const SystemSchema = z.strictObject(systemShape);

/** Batches written at once: the next batch is read and checked while the database writes these. */
const WRITES_IN_FLIGHT = 2;

export class Importer {
  constructor(private readonly services: Services) {}

  async importEp3Xml(chunks: AsyncIterable<string | Buffer>, opts: ImportOptions): Promise<ImportReport> {
    const items = readEp3Xml(chunks);
    const report: ImportReport = { kind: "eprints", created: [], imported: [], failed: [], warnings: [] };
    const candidates = this.fromXml(items, report);
    return this.run(candidates, opts, report);
  }

  async importBibtex(text: string, opts: ImportOptions): Promise<ImportReport> {
    const report: ImportReport = { kind: "eprints", created: [], imported: [], failed: [], warnings: [] };
    async function* gen(): AsyncGenerator<Candidate> {
      for (const c of bibtexToInputs(text)) yield { position: c.position, line: c.line, data: c.data, issues: c.issues };
    }
    return this.run(gen(), { ...opts, preserveIds: false }, report);
  }

  /** Splits the XML stream: eprints flow on as candidates; subjects and users are imported here. */
  private async *fromXml(items: AsyncGenerator<ReadItem>, report: ImportReport): AsyncGenerator<Candidate> {
    let position = 0;
    const subjects: Subject[] = [];
    try {
      for await (const item of items) {
        position = item.position;
        if (item.kind === "eprint") {
          const { data, issues } = eprintFromNode(item.node);
          yield { position: item.position, line: item.line, data, issues, chars: item.chars };
        } else if (item.kind === "subject") {
          report.kind = "subjects";
          const s = subjectFromNode(item.node);
          if (!s.subjectid) report.failed.push({ position: item.position, line: item.line, errors: [{ field: "subjectid", message: "missing" }] });
          else subjects.push(s);
          if (report.failed.length >= MAX_FAILED || subjects.length > MAX_SUBJECTS) {
            report.aborted = {
              position: item.position,
              line: item.line,
              message: report.failed.length >= MAX_FAILED ? `${MAX_FAILED} subjects failed: the import stopped` : `a subjects document may hold at most ${MAX_SUBJECTS} subjects`,
            };
            break;
          }
        } else {
          report.kind = "users";
          yield { position: item.position, line: item.line, data: { __user: userFromNode(item.node) }, issues: [] };
        }
      }
    } catch (err) {
      if (!(err instanceof XmlInputError)) throw err;
      report.aborted = { position: position + 1, line: err.line, message: err.message };
    }
    if (subjects.length) {
      await this.services.subjects.importMany(subjects);
      report.imported.push(...subjects.map((s) => s.subjectid));
    }
  }

  private async run(candidates: AsyncGenerator<Candidate>, opts: ImportOptions, report: ImportReport): Promise<ImportReport> {
    const viewer = opts.viewer;
    const actor = useridOf(viewer);
    if (actor === undefined) throw problems.unauthorized();
    if (opts.preserveIds && !isAdmin(viewer)) throw problems.forbidden("only admins may import with preserve=ids");
    const batchSize = opts.batchSize ?? 500;
    const tree = await this.services.subjects.current();
    // with preserve=ids a record's id is known at once and it waits as its row (one string);
    // otherwise its id comes when the batch is written
    type Pending = { record?: EPrint; row?: StoredRow; position: number; line?: number };
    let batch: Pending[] = [];
    let batchChars = 0;
    let seen = 0;
    const progress = () => opts.onProgress?.({ records: seen, created: report.created.length, failed: report.failed.length });

    // Batches are written while the next ones are read and checked (on two cores the parser
    // and the database work side by side), at most WRITES_IN_FLIGHT at once, and their
    // outcomes are reported in the order of the file. With preserve=ids a batch that shares
    // an id with one still being written waits for it, so the later record still wins.
    type Outcome = { created: number[]; failed: RecordProblem[] };
    const inFlight: { outcome: Promise<Outcome>; ids: Set<number> }[] = [];
    const settleOldest = async () => {
      const out = await inFlight.shift()!.outcome;
      report.created.push(...out.created);
      report.failed.push(...out.failed);
      progress();
    };
    const write = async (batch: Pending[]) => {
      if (!opts.preserveIds) {
        const ids = await this.services.eprints.allocateIds(batch.length);
        batch.forEach((b, i) => {
          b.record!.eprintid = ids[i]!;
          b.record!.dir = eprintDir(ids[i]!);
        });
      }
      const rows = batch.map((b) => b.row ?? storedRow(b.record!));
      try {
        await this.services.eprints.insertRows(rows, actor, { replace: opts.preserveIds });
        return { created: rows.map((r) => r.eprintid), failed: [] as RecordProblem[] };
      } catch {
        // isolate the record the database refused; the rest still commit
        const created: number[] = [];
        const failed: RecordProblem[] = [];
        for (const [i, r] of rows.entries()) {
          try {
            await this.services.eprints.insertRows([r], actor, { replace: opts.preserveIds });
            created.push(r.eprintid);
          } catch (e) {
            failed.push({ position: batch[i]!.position, line: batch[i]!.line, eprintid: r.eprintid, errors: [{ field: "(record)", message: `not stored: ${(e as Error).message}` }] });
          }
        }
        return { created, failed };
      }
    };
    const flush = async () => {
      if (!batch.length) return;
      const ids = new Set(batch.map((b) => (b.row ?? b.record!).eprintid));
      if (opts.preserveIds && inFlight.some((w) => [...ids].some((id) => w.ids.has(id)))) while (inFlight.length) await settleOldest();
      while (inFlight.length >= WRITES_IN_FLIGHT) await settleOldest();
      const outcome = write(batch);
      // its failure is taken up when its turn comes (settleOldest), not reported as unhandled before
      outcome.catch(() => {});
      inFlight.push({ outcome, ids });
      batch = [];
      batchChars = 0;
    };

    const now = toEprintsTime(nowSeconds());
    try {
      for await (const c of candidates) {
        seen++;
        if ("__user" in c.data) {
          if (!isAdmin(viewer)) throw problems.forbidden("only admins may import users");
          const u = c.data.__user as ReturnType<typeof import("../formats/ep3-reader.js").userFromNode>;
          try {
            const created = await this.services.accounts.createUser(
              { username: u.username, usertype: (["user", "editor", "admin"].includes(u.usertype) ? u.usertype : "user") as "user", email: u.email, name: u.name as never, dept: u.dept, org: u.org },
              opts.preserveIds ? u.userid : undefined,
            );
            report.imported.push(created.userid);
          } catch (e) {
            report.failed.push({ position: c.position, line: c.line, errors: [{ field: "username", message: (e as Error).message }] });
          }
          continue;
        }
        const record = this.check(c, opts, actor, now, tree, report);
        if (record) {
          batch.push(opts.preserveIds ? { row: storedRow(record), position: c.position, line: c.line } : { record, position: c.position, line: c.line });
          batchChars += c.chars ?? 0;
        }
        if (batch.length >= batchSize || batchChars >= MAX_BATCH_CHARS) await flush();
        if (report.failed.length >= MAX_FAILED) {
          report.aborted = { position: c.position, line: c.line, message: `${MAX_FAILED} records failed: the import stopped at record ${c.position}; the records before it that passed are kept` };
          break;
        }
      }
      await flush();
      while (inFlight.length) await settleOldest();
    } finally {
      // nothing is left running when the import answers, whatever stopped it
      await Promise.allSettled(inFlight.map((w) => w.outcome));
    }
    report.failed.sort((a, b) => a.position - b.position);
    if (warningsOmitted.get(report)) {
      report.warnings.push({ position: seen, errors: [{ field: "(import)", message: `${warningsOmitted.get(report)} more records had warnings; they are not listed` }] });
    }
    if (report.kind === "subjects" && !isStaff(viewer)) throw problems.forbidden("only admins may import subjects");
    return report;
  }

  /** One candidate → a complete record, or a reported failure. */
  private check(
    c: Candidate,
    opts: ImportOptions,
    actor: number,
    now: string,
    tree: Awaited<ReturnType<Services["subjects"]["current"]>>,
    report: ImportReport,
  ): EPrint | undefined {
    const fail = (errors: FieldProblem[]) => {
      report.failed.push({ position: c.position, line: c.line, eprintid: c.data.eprintid as number | undefined, errors });
      return undefined;
    };
    if (c.issues.length) return fail(c.issues);
    const metadata: Record<string, unknown> = {};
    const system: Record<string, unknown> = {};
    for (const k in c.data) (SYSTEM_KEYS.has(k) ? system : metadata)[k] = c.data[k];
    const identifiers = identifierIssues(metadata as never);
    metadata.metadata_visibility ??= "show";
    metadata.full_text_status ??= "none";
    const parsed = MetadataSchema.safeParse(metadata);
    const warn = () => {
      const warnings = [...identifiers.map((i) => ({ field: pathString(i.path), message: i.message })), ...subjectProblems(metadata as never, tree)];
      if (!warnings.length) return;
      if (report.warnings.length < MAX_WARNINGS) report.warnings.push({ position: c.position, line: c.line, eprintid: system.eprintid as number | undefined, errors: warnings });
      else warningsOmitted.set(report, (warningsOmitted.get(report) ?? 0) + 1);
    };
    if (!parsed.success) {
      // identifier checksums are warnings on import (real repositories hold such values): a
      // record fails on the rest first, and on a malformed identifier only when that is all
      const all = zodProblems(parsed.error);
      const structural = all.filter((p) => !identifiers.some((i) => fieldMatches(i.path, p.field)));
      if (structural.length) return fail(structural);
      warn();
      return fail(all);
    }
    warn();

    let fields: Record<string, unknown>;
    if (opts.preserveIds) {
      const id = system.eprintid;
      if (typeof id !== "number" || id < 1) return fail([{ field: "eprintid", message: "preserve=ids needs an eprintid on every record" }]);
      fields = { rev_number: 1, eprint_status: "archive", lastmod: now, ...system, dir: eprintDir(id) };
    } else {
      // the real id is allocated when the batch is written
      fields = { eprintid: 1, rev_number: 1, eprint_status: "inbox", userid: actor, dir: "", lastmod: now, status_changed: now };
    }
    const sys = SystemSchema.safeParse(fields);
    if (!sys.success) return fail(zodProblems(sys.error));
    return { ...sys.data, ...parsed.data } as EPrint;
  }
}

function pathString(path: (string | number)[]): string {
  return path.map((p, i) => (typeof p === "number" ? `[${p}]` : i ? `.${p}` : p)).join("");
}
function fieldMatches(path: (string | number)[], field: string): boolean {
  return pathString(path) === field;
}
