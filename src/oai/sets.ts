/**
 * OAI-PMH sets as EPrints encodes them (perl_lib/EPrints/OpenArchives.pm, cfg.d/oai.pl):
 * a setSpec is the upper-case hex of the UTF-8 bytes of `<set id>=<value>`, and for the
 * subject trees one more hex component per level below the top node:
 * `7375626A656374733D48:4856` is `subjects=H` : `HV`.
 *
 * - status (ispublished), types (type), subjects: EPrints' default sets.
 * - divisions: Vellum's addition (EPrints ships it commented out), encoded like subjects.
 * - driver: EPrints' custom "Open Access DRIVERset" (full_text_status = public), the one
 *   setSpec that is not hex. As in EPrints it is never listed in record headers.
 *
 * A record is in a subject (or division) set when it has that subject or any subject below
 * it, whichever path the harvester names it by (EPrints matches the last component).
 */
import { EPRINT_TYPES, ISPUBLISHED } from "../records/fields.js";
import type { SubjectTree } from "../records/subjects.js";
import { EPRINT_TYPE_NAMES, ISPUBLISHED_NAMES } from "../formats/phrases.js";
import { treeToUtf8 } from "../formats/citation.js";

export type SetId = "status" | "subjects" | "types" | "divisions" | "driver";
type FieldSetId = Exclude<SetId, "driver">;

const VIEW_NAMES: Record<FieldSetId, string> = { status: "Status", subjects: "Subject", types: "Type", divisions: "Division" };
export const DRIVER_SET = { spec: "driver", name: "Open Access DRIVERset" } as const;

export function toHex(s: string): string {
  return Buffer.from(s, "utf8").toString("hex").toUpperCase();
}

const fatalUtf8 = new TextDecoder("utf-8", { fatal: true });

/** The text a hex component encodes, or undefined when it is not hex of UTF-8. */
export function fromHex(h: string): string | undefined {
  if (h.length === 0 || h.length % 2 !== 0 || !/^[0-9A-Fa-f]+$/.test(h)) return undefined;
  try {
    return fatalUtf8.decode(Buffer.from(h, "hex"));
  } catch {
    return undefined;
  }
}

/** The columns a header's setSpecs come from. */
export interface SetFields {
  ispublished: string | null;
  type: string;
  subjects: string[];
  divisions: string[];
}

/** The setSpecs of one subject (or division): one per path from the top; none for an unknown id. */
function nodeSpecs(id: "subjects" | "divisions", value: string, tree: SubjectTree): string[] {
  if (!tree.get(value)) return []; // a subject no longer in the tree has no set (EPrints skips it)
  const prefix = toHex(`${id}=`);
  return tree.paths(value).map((path) => prefix + path.map(toHex).join(":"));
}

/**
 * Every record header asks for the same few hundred specs, so they are kept: per tree (a
 * changed tree is a new object, and its specs are worked out afresh), and for the fixed
 * status and type values once.
 */
const treeSpecCache = new WeakMap<SubjectTree, Map<string, string[]>>();
const valueSpecCache = new Map<string, string>();

function treeSpecs(id: "subjects" | "divisions", values: string[], tree: SubjectTree, out: string[]): void {
  let cache = treeSpecCache.get(tree);
  if (!cache) treeSpecCache.set(tree, (cache = new Map()));
  for (const v of values) {
    const key = `${id}=${v}`;
    let specs = cache.get(key);
    if (!specs) {
      specs = nodeSpecs(id, v, tree);
      // known ids are bounded by the tree; unknown ones by what records hold, so cap them
      if (cache.size < 10_000) cache.set(key, specs);
    }
    for (const spec of specs) out.push(spec);
  }
}

function valueSpec(id: "status" | "types", value: string): string {
  const key = `${id}=${value}`;
  let spec = valueSpecCache.get(key);
  if (spec === undefined) {
    spec = toHex(key);
    // the values are a fixed option list, but the column is text: keep the cache bounded
    if (valueSpecCache.size < 1000) valueSpecCache.set(key, spec);
  }
  return spec;
}

/** A live record's setSpecs, in set-configuration order, then value order (as EPrints). */
export function headerSetSpecs(r: SetFields, sets: readonly SetId[], tree: SubjectTree): string[] {
  const out: string[] = [];
  for (const id of sets) {
    if (id === "status" && r.ispublished) out.push(valueSpec("status", r.ispublished));
    else if (id === "types" && r.type) out.push(valueSpec("types", r.type));
    else if (id === "subjects" || id === "divisions") treeSpecs(id, r[id], tree, out);
  }
  return out;
}

export interface SetEntry {
  spec: string;
  name: string;
}

/**
 * Every set, for ListSets: each status and type option (EPrints lists the option list of
 * a set field), every node under the subjects and divisions tops by every path, labelled
 * with the names along the path ("Subject = H Social Sciences: HV Social pathology…"),
 * then the driver set. Order: set configuration, then option order, then the tree depth
 * first with children by name (EPrints' order is Perl hash order, i.e. none).
 */
export function* allSets(sets: readonly SetId[], tree: SubjectTree): Generator<SetEntry> {
  for (const id of sets) {
    if (id === "status") {
      for (const v of ISPUBLISHED) yield { spec: toHex("status=") + toHex(v), name: `${VIEW_NAMES.status} = ${ISPUBLISHED_NAMES[v]}` };
    } else if (id === "types") {
      for (const v of EPRINT_TYPES) yield { spec: toHex("types=") + toHex(v), name: `${VIEW_NAMES.types} = ${EPRINT_TYPE_NAMES[v]}` };
    } else if (id === "subjects" || id === "divisions") {
      const prefix = toHex(`${id}=`);
      const byName = (a: string, b: string) => {
        const x = tree.name(a);
        const y = tree.name(b);
        return x < y ? -1 : x > y ? 1 : a < b ? -1 : a > b ? 1 : 0;
      };
      const walk = function* (node: string, path: string[], label: string, seen: Set<string>): Generator<SetEntry> {
        for (const kid of [...tree.children(node)].sort(byName)) {
          if (seen.has(kid)) continue;
          const kidPath = [...path, kid];
          // the name as EPrints renders it to text: whitespace runs collapse to one space
          const name = treeToUtf8(tree.name(kid));
          const kidLabel = label ? `${label}: ${name}` : name;
          yield { spec: prefix + kidPath.map(toHex).join(":"), name: `${VIEW_NAMES[id]} = ${kidLabel}` };
          yield* walk(kid, kidPath, kidLabel, new Set(seen).add(kid));
        }
      };
      yield* walk(id, [], "", new Set([id]));
    } else if (id === "driver") {
      yield DRIVER_SET;
    }
  }
}

/** What a `set` argument selects, as a condition on the eprint table's columns. */
export type SetFilter =
  | { kind: "equals"; column: "ispublished" | "type"; value: string }
  | { kind: "any"; column: "subjects" | "divisions"; values: string[] }
  | { kind: "driver" };

/** The filter for a `set` argument, or the badArgument message. */
export function parseSet(spec: string, sets: readonly SetId[], tree: SubjectTree): SetFilter | { error: string } {
  if (spec === DRIVER_SET.spec && sets.includes("driver")) return { kind: "driver" };
  const parts = spec.split(":").map(fromHex);
  if (parts.some((p) => p === undefined)) {
    return { error: `'set' must be a setSpec as ListSets gives them: hex-encoded components separated by ':' (got '${spec}')` };
  }
  const [head, ...tail] = parts as string[];
  const eq = head!.indexOf("=");
  const key = eq < 0 ? head! : head!.slice(0, eq);
  if (eq < 0 || key === "driver" || !(sets as readonly string[]).includes(key)) {
    return { error: `unknown set '${key}': this repository has the sets ${sets.join(", ")}` };
  }
  // EPrints searches by the last component of a path (a node may have several paths)
  const value = tail.length ? tail[tail.length - 1]! : head!.slice(eq + 1);
  if (key === "status") return { kind: "equals", column: "ispublished", value };
  if (key === "types") return { kind: "equals", column: "type", value };
  const column = key as "subjects" | "divisions";
  return { kind: "any", column, values: tree.get(value) ? tree.descendants(value) : [value] };
}
