/**
 * The subject tree in the database, cached in memory: formats and queries read it on every
 * record, and it changes rarely. A local write refreshes it at once; other instances pick
 * up a change within `ttlMs`.
 */
import type { Database } from "../db/index.js";
import { problems } from "../errors.js";
import { chunksOf, readEp3Xml, subjectFromNode } from "../formats/ep3-reader.js";
import { SubjectTree, type Subject } from "./subjects.js";

export class SubjectStore {
  private tree?: SubjectTree;
  private loadedAt = 0;
  private loading?: Promise<SubjectTree>;

  constructor(
    private readonly db: Database,
    private readonly ttlMs = 30_000,
  ) {}

  async current(): Promise<SubjectTree> {
    if (this.tree && Date.now() - this.loadedAt < this.ttlMs) return this.tree;
    this.loading ??= this.load().finally(() => (this.loading = undefined));
    return this.loading;
  }

  /** The last loaded tree without waiting (formats running inside a stream). */
  cached(): SubjectTree | undefined {
    return this.tree;
  }

  private async load(): Promise<SubjectTree> {
    const { rows } = await this.db.readPool.query("SELECT subjectid, rev_number, name, parents, depositable FROM subject");
    this.tree = new SubjectTree(
      rows.map((r) => ({ subjectid: r.subjectid, rev_number: r.rev_number, name: r.name, parents: r.parents ?? [], depositable: r.depositable })),
    );
    this.loadedAt = Date.now();
    return this.tree;
  }

  async upsert(s: Subject): Promise<Subject> {
    const tree = await this.current();
    for (const p of s.parents) {
      if (p !== "ROOT" && !tree.get(p)) throw problems.invalid([{ field: "parents", message: `unknown subject ${p}` }]);
      if (p === s.subjectid || tree.ancestors(p).includes(s.subjectid)) {
        throw problems.invalid([{ field: "parents", message: `${p} is below ${s.subjectid}: a subject cannot be its own ancestor` }]);
      }
    }
    const { rows } = await this.db.pool.query(
      `INSERT INTO subject (subjectid, rev_number, name, parents, depositable) VALUES ($1, 1, $2, $3, $4)
       ON CONFLICT (subjectid) DO UPDATE SET rev_number = subject.rev_number + 1, name = EXCLUDED.name,
         parents = EXCLUDED.parents, depositable = EXCLUDED.depositable
       RETURNING subjectid, rev_number, name, parents, depositable`,
      [s.subjectid, JSON.stringify(s.name), s.parents, s.depositable],
    );
    this.loadedAt = 0;
    return rows[0] as Subject;
  }

  /** Loads subjects in bulk keeping their revision numbers (seed, EP3 XML import). */
  async importMany(subjects: Subject[]): Promise<number> {
    if (!subjects.length) return 0;
    await this.db.pool.query(
      `INSERT INTO subject (subjectid, rev_number, name, parents, depositable)
       SELECT s.subjectid, s.rev_number, s.name, ARRAY(SELECT jsonb_array_elements_text(s.parents)), s.depositable
         FROM jsonb_to_recordset($1::jsonb) AS s(subjectid text, rev_number int, name jsonb, parents jsonb, depositable boolean)
       ON CONFLICT (subjectid) DO UPDATE SET rev_number = EXCLUDED.rev_number, name = EXCLUDED.name,
         parents = EXCLUDED.parents, depositable = EXCLUDED.depositable`,
      [JSON.stringify(subjects)],
    );
    this.loadedAt = 0;
    return subjects.length;
  }

  /** First start of an empty database: the default tree (LoC subjects plus divisions). */
  async seedIfEmpty(xml: () => string): Promise<number> {
    const { rows } = await this.db.pool.query("SELECT count(*)::int AS n FROM subject");
    if (rows[0].n > 0) return 0;
    return this.seed(xml());
  }

  async seed(xml: string): Promise<number> {
    const subjects: Subject[] = [];
    for await (const item of readEp3Xml(chunksOf(xml))) subjects.push(subjectFromNode(item.node));
    return this.importMany(subjects);
  }
}
