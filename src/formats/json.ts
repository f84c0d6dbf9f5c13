/**
 * JSON (EPrints::Plugin::Export::JSON, REFERENCE.md §5.2), written by hand because EPrints'
 * layout is its own: every value is indented two spaces per depth, a record starts at
 * depth 2 (`    {`), values inside an object follow their key on the same line, a single
 * record has no trailing newline, and a list is `[\n` records joined by `,\n` `\n]\n\n`.
 * Strings are escaped as JSON->new->ascii does (3.4.1+): non-ASCII as lower-case \uXXXX.
 *
 * EPrints' key order is Perl hash order, different in every process. Vellum writes keys in
 * dataset field order with `uri` last, and name parts as family, given, lineage, honourific.
 *
 * Kept from EPrints, deliberately: any value that looks like a number is written as a JSON
 * number the way Perl prints `$value + 0`, so `subjects: "0042"` becomes 42 and a 20-digit
 * cluster id becomes 1.23456789012346e+19 (see `perlNumber`). Empty and missing parts of
 * names and compounds are `null`.
 *
 * Deliberate divergences:
 * - Sub-fields that are not exported (creators' `id`, usually an e-mail) are never written.
 *   EPrints' clean-up loop is bounded by the string length of an array reference, so later
 *   creators keep theirs (example 102 shows ids from the 22nd creator on).
 * - A numeric-looking value that Perl would print as `Inf` (`1e400`, which fits even in
 *   `volume`) stays a string: EPrints would write invalid JSON there.
 */
import { publicFields, type FieldDef } from "../records/fields.js";
import type { EPrint } from "../records/schema.js";
import type { ExportFormat, FormatContext } from "./types.js";
import { NAME_PARTS, exportedSubfields, isSet, lexical } from "./lexical.js";

/** A value to write: `string` is a scalar in its lexical form, `null` an undefined sub-value. */
type Node = null | string | { items: Node[] } | { entries: [string, Node][] };

/** EPrints::Utils::js_string with JSON's `ascii` option: "" is null, non-ASCII is \uXXXX. */
export function jsString(s: string): string {
  if (s === "") return "null";
  // Code units, not code points, so astral characters come out as surrogate pairs, as in Perl.
  return JSON.stringify(s).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

const NUMERIC = /^-?[0-9]*\.?[0-9]+(?:e[-+]?[0-9]+)?$/i;
const IV_MIN = -(2n ** 63n);
const UV_MAX = 2n ** 64n - 1n;

/**
 * How Perl 5 (64-bit integers, IEEE doubles) prints `$s + 0` for a string matching EPrints'
 * numeric pattern, or undefined where it would print Inf. Worked out from Perl's sv_2iv
 * rules and checked against perl 5.36 (the vectors are in test/formats/json.test.ts):
 * - a plain integer that fits a 64-bit IV/UV stays exact (`0042` → 42, 20 digits stay);
 * - a plain integer that does not, or any value with a decimal point, is a double printed
 *   with %.15g (`1.0` → 1, `9007199254740993.0` → 9.00719925474099e+15);
 * - a value with an exponent is a double, printed as an integer when it is integral and
 *   within the IV/UV range (`1e16` → 10000000000000000), otherwise with %.15g.
 */
export function perlNumber(s: string): string | undefined {
  if (/^-?\d+$/.test(s)) {
    const n = BigInt(s);
    if (n >= IV_MIN && n <= UV_MAX) return n.toString();
  }
  const x = Number(s) + 0; // + 0 turns -0 into 0, as Perl's addition does
  if (!Number.isFinite(x)) return undefined;
  if (/e/i.test(s) && Number.isInteger(x) && x >= -(2 ** 63) && x < 2 ** 64) return BigInt(x).toString();
  return printfG15(x);
}

/** The exact decimal value of a finite double: `digits` × 10^-`scale`. */
function exactDecimal(x: number): { digits: string; scale: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, Math.abs(x));
  const bits = view.getBigUint64(0);
  const biased = Number(bits >> 52n);
  let mantissa = bits & ((1n << 52n) - 1n);
  let exp = -1074;
  if (biased !== 0) {
    mantissa |= 1n << 52n;
    exp = biased - 1075;
  }
  if (exp >= 0) return { digits: (mantissa << BigInt(exp)).toString(), scale: 0 };
  return { digits: (mantissa * 5n ** BigInt(-exp)).toString(), scale: -exp };
}

/**
 * C's printf("%.15g"), which Perl uses for doubles. Rounding is on the exact binary value,
 * ties to even, so it is computed from the exact decimal expansion: Number#toPrecision
 * rounds ties up (1000000000000000.5 would give 1.00000000000001e+15; Perl prints 1e+15).
 */
function printfG15(x: number): string {
  if (x === 0) return "0";
  const { digits, scale } = exactDecimal(x);
  let exp10 = digits.length - 1 - scale;
  let head = BigInt(digits.slice(0, 15).padEnd(15, "0"));
  const rest = digits.slice(15);
  if (rest && (rest[0]! > "5" || (rest[0] === "5" && (/[1-9]/.test(rest.slice(1)) || head % 2n === 1n)))) head += 1n;
  if (head === 10n ** 15n) {
    head = 10n ** 14n;
    exp10 += 1;
  }
  const d = head.toString();
  const sign = x < 0 ? "-" : "";
  const trim = (frac: string) => frac.replace(/0+$/, "");
  if (exp10 < -4 || exp10 >= 15) {
    const frac = trim(d.slice(1));
    const e = `${exp10 < 0 ? "-" : "+"}${String(Math.abs(exp10)).padStart(2, "0")}`;
    return `${sign}${d[0]}${frac ? `.${frac}` : ""}e${e}`;
  }
  const [int, frac] = exp10 >= 0 ? [d.slice(0, exp10 + 1), trim(d.slice(exp10 + 1))] : ["0", trim("0".repeat(-exp10 - 1) + d)];
  return `${sign}${int}${frac ? `.${frac}` : ""}`;
}

function scalar(s: string): string {
  return (NUMERIC.test(s) && perlNumber(s)) || jsString(s);
}

function render(node: Node, depth: number, inHash: boolean): string {
  const pad = "  ".repeat(depth);
  const pre = inHash ? "" : pad;
  if (node === null) return "null";
  if (typeof node === "string") return pre + scalar(node);
  if ("items" in node) {
    const items = node.items.map((n) => render(n, depth + 1, false)).filter((s) => s.length);
    return `${pre}[\n${items.join(",\n")}\n${pad}]`;
  }
  const entries = node.entries.map(([k, v]) => `${pad}  "${k}": ${render(v, depth + 1, true)}`);
  return `${pre}{\n${entries.join(",\n")}\n${pad}}`;
}

/** The value as EPrints holds it, reduced to its exported sub-fields. */
function exportedValue(def: FieldDef, value: unknown): unknown {
  if (def.type !== "compound" || value === undefined) return value;
  const subs = exportedSubfields(def);
  const pick = (item: Record<string, unknown>) => Object.fromEntries(subs.map((s) => [s.name, item[s.name]]));
  return def.multiple ? (value as Record<string, unknown>[]).map(pick) : pick(value as Record<string, unknown>);
}

function valueNode(def: FieldDef, value: unknown): Node {
  if (value === undefined) return null;
  if (def.type === "name") {
    const n = value as Record<string, string | undefined>;
    return { entries: NAME_PARTS.map((p) => [p, n[p] ?? null]) };
  }
  if (def.type === "compound") {
    const v = value as Record<string, unknown>;
    return { entries: exportedSubfields(def).map((s) => [s.name, valueNode(s, v[s.name])]) };
  }
  return lexical(value);
}

/** One record at EPrints' depth 2, without a trailing newline. */
export function eprintJson(record: EPrint, ctx: FormatContext): string {
  const r = record as Record<string, unknown>;
  const entries: [string, Node][] = [];
  for (const def of publicFields(ctx.options)) {
    if (!def.exported) continue;
    const v = exportedValue(def, r[def.name]);
    if (!isSet(v)) continue;
    const node = def.multiple ? { items: (v as unknown[]).map((x) => valueNode(def, x)) } : valueNode(def, v);
    entries.push([def.name, node]);
  }
  entries.push(["uri", `${ctx.repo.baseUrl}/id/eprint/${record.eprintid}`]);
  return render({ entries }, 2, false);
}

/** Perl truth: undefined, "" and "0" are false. */
const perlTrue = (s: string | undefined): s is string => s !== undefined && s !== "" && s !== "0";

/**
 * The JSONP function name EPrints takes from `?json=`, `?jsonp=` or `?callback=` (the first
 * that Perl counts true, else the last), keeping only `=`, letters, digits and `_`;
 * undefined when no wrapping is asked for. The name can end up empty, which EPrints
 * still writes as `(…);`, a valid (if pointless) script; Vellum does the same.
 */
export function jsonpCallback(query: { json?: string; jsonp?: string; callback?: string }): string | undefined {
  const raw = perlTrue(query.json) ? query.json : perlTrue(query.jsonp) ? query.jsonp : query.callback;
  return raw === undefined || raw === "" ? undefined : raw.replace(/[^=A-Za-z0-9_]/g, "");
}

/** Wraps a JSON export body (single or list) as EPrints does for JSONP: `name(` body `);\n`. */
export function wrapJsonp(body: string, callback: string | undefined): string {
  return callback === undefined ? body : `${callback}(${body});\n`;
}

export const jsonFormat: ExportFormat = {
  id: "JSON",
  label: "JSON",
  mediaType: "application/json; charset=utf-8",
  extension: ".js",
  aliases: ["application/json"],
  signposting: true,
  visibility: "all",
  serialize: eprintJson,
  list: {
    head: () => "[\n",
    item: (record, ctx, index) => (index ? ",\n" : "") + eprintJson(record, ctx),
    tail: () => "\n]\n\n",
  },
};
