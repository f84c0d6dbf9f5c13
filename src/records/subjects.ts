/**
 * Subjects and divisions: one tree (a DAG, as in EPrints) of subject records under ROOT.
 * The top nodes are `subjects` (Library of Congress) and `divisions` (institutional units).
 */
export interface SubjectName {
  name: string;
  lang: string;
}

export interface Subject {
  subjectid: string;
  rev_number: number;
  name: SubjectName[];
  parents: string[];
  depositable: boolean;
}

export const ROOT_SUBJECT = "ROOT";
export const TOP_NODES = ["subjects", "divisions"] as const;

export class SubjectTree {
  private readonly byId = new Map<string, Subject>();
  private readonly childrenOf = new Map<string, string[]>();

  constructor(subjects: Iterable<Subject>) {
    for (const s of subjects) this.byId.set(s.subjectid, s);
    for (const s of this.byId.values()) {
      for (const p of s.parents) {
        const list = this.childrenOf.get(p) ?? [];
        list.push(s.subjectid);
        this.childrenOf.set(p, list);
      }
    }
  }

  get size(): number {
    return this.byId.size;
  }

  get(id: string): Subject | undefined {
    return this.byId.get(id);
  }

  all(): IterableIterator<Subject> {
    return this.byId.values();
  }

  /** The name in `lang`, else the first name, else the id itself (as EPrints falls back). */
  name(id: string, lang = "en"): string {
    const s = this.byId.get(id);
    if (!s || s.name.length === 0) return id;
    return (s.name.find((n) => n.lang === lang) ?? s.name[0]!).name;
  }

  children(id: string): string[] {
    return this.childrenOf.get(id) ?? [];
  }

  /**
   * Every path from just below a top node (or ROOT) down to `id`, one list of ids per path.
   * `HV` gives [["H", "HV"]]; a subject with two parents gives two paths.
   */
  paths(id: string): string[][] {
    const out: string[][] = [];
    const walk = (node: string, below: string[], seen: Set<string>) => {
      const s = this.byId.get(node);
      const parents = s?.parents ?? [];
      const chain = [node, ...below];
      const stop = parents.length === 0 || parents.some((p) => p === ROOT_SUBJECT || (TOP_NODES as readonly string[]).includes(p));
      if (stop || !s) {
        out.push(chain);
        return;
      }
      for (const p of parents) {
        if (seen.has(p)) continue;
        walk(p, chain, new Set(seen).add(p));
      }
    };
    walk(id, [], new Set([id]));
    return out;
  }

  /** Ancestors of `id` (not including it), nearest first, without ROOT. */
  ancestors(id: string): string[] {
    const out: string[] = [];
    const seen = new Set<string>([id]);
    const queue = [...(this.byId.get(id)?.parents ?? [])];
    while (queue.length) {
      const p = queue.shift()!;
      if (seen.has(p) || p === ROOT_SUBJECT) continue;
      seen.add(p);
      out.push(p);
      queue.push(...(this.byId.get(p)?.parents ?? []));
    }
    return out;
  }

  /** `id` and everything below it. */
  descendants(id: string): string[] {
    const out: string[] = [];
    const seen = new Set<string>();
    const stack = [id];
    while (stack.length) {
      const s = stack.pop()!;
      if (seen.has(s)) continue;
      seen.add(s);
      out.push(s);
      stack.push(...this.children(s));
    }
    return out;
  }

  /** The top node (`subjects` or `divisions`) a subject hangs under, if any. */
  topOf(id: string): string | undefined {
    if ((TOP_NODES as readonly string[]).includes(id)) return id;
    return this.ancestors(id).find((a) => (TOP_NODES as readonly string[]).includes(a));
  }
}
