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
import { EPrintInputSchema, EPrintSchema, identifierIssues, type EPrint } from "../records/schema.js";
import { ordered, subjectProblems, zodProblems } from "../records/store.js";
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

const SYSTEM_KEYS = ["eprintid", "rev_number", "eprint_status", "userid", "importid", "dir", "datestamp", "lastmod", "status_changed", "item_issues_count", "sword_depositor"];

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
    let batch: { record: EPrint; position: number; line?: number }[] = [];
    let batchChars = 0;
    let seen = 0;
    const progress = () => opts.onProgress?.({ records: seen, created: report.created.length, failed: report.failed.length });

    const flush = async () => {
      if (!batch.length) return;
      const records = batch.map((b) => b.record);
      if (!opts.preserveIds) {
        const ids = await this.services.eprints.allocateIds(records.length);
        records.forEach((r, i) => {
          r.eprintid = ids[i]!;
          r.dir = eprintDir(ids[i]!);
        });
      }
      try {
        await this.services.eprints.insertBatch(records, actor, { replace: opts.preserveIds });
        report.created.push(...records.map((r) => r.eprintid));
      } catch {
        // isolate the record the database refused; the rest still commit
        for (const [i, r] of records.entries()) {
          try {
            await this.services.eprints.insertBatch([r], actor, { replace: opts.preserveIds });
            report.created.push(r.eprintid);
          } catch (e) {
            report.failed.push({ position: batch[i]!.position, line: batch[i]!.line, eprintid: r.eprintid, errors: [{ field: "(record)", message: `not stored: ${(e as Error).message}` }] });
          }
        }
      }
      batch = [];
      batchChars = 0;
      progress();
    };

    const now = toEprintsTime(nowSeconds());
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
        batch.push({ record, position: c.position, line: c.line });
        batchChars += c.chars ?? 0;
      }
      if (batch.length >= batchSize || batchChars >= MAX_BATCH_CHARS) await flush();
      if (report.failed.length >= MAX_FAILED) {
        report.aborted = { position: c.position, line: c.line, message: `${MAX_FAILED} records failed: the import stopped at record ${c.position}; the records before it that passed are kept` };
        break;
      }
    }
    await flush();
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
    for (const [k, v] of Object.entries(c.data)) (SYSTEM_KEYS.includes(k) ? system : metadata)[k] = v;
    const parsed = EPrintInputSchema.safeParse(metadata);
    // identifier checksums are warnings on import: real repositories hold such values
    const structural = parsed.success ? [] : zodProblems(parsed.error).filter((p) => !identifierIssues(metadata as never).some((i) => fieldMatches(i.path, p.field)));
    if (structural.length) return fail(structural);
    const warnings = [...identifierIssues(metadata as never).map((i) => ({ field: pathString(i.path), message: i.message })), ...subjectProblems(metadata as never, tree)];
    if (warnings.length) {
      if (report.warnings.length < MAX_WARNINGS) report.warnings.push({ position: c.position, line: c.line, eprintid: system.eprintid as number | undefined, errors: warnings });
      else warningsOmitted.set(report, (warningsOmitted.get(report) ?? 0) + 1);
    }

    let record: Record<string, unknown>;
    if (opts.preserveIds) {
      const id = system.eprintid;
      if (typeof id !== "number" || id < 1) return fail([{ field: "eprintid", message: "preserve=ids needs an eprintid on every record" }]);
      record = {
        ...metadata,
        rev_number: 1,
        eprint_status: "archive",
        lastmod: now,
        ...system,
        dir: eprintDir(id),
      };
    } else {
      // the real id is allocated when the batch is written
      record = { ...metadata, eprintid: 1, rev_number: 1, eprint_status: "inbox", userid: actor, dir: "", lastmod: now, status_changed: now };
    }
    record.metadata_visibility ??= "show";
    record.full_text_status ??= "none";
    const full = EPrintSchema.safeParse(ordered(record));
    return full.success ? full.data : fail(zodProblems(full.error));
  }
}

function pathString(path: (string | number)[]): string {
  return path.map((p, i) => (typeof p === "number" ? `[${p}]` : i ? `.${p}` : p)).join("");
}
function fieldMatches(path: (string | number)[], field: string): boolean {
  return pathString(path) === field;
}
