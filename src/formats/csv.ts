/**
 * "Multiline CSV" (EPrints::Plugin::Export::CSV, REFERENCE.md §4): one column per exported,
 * non-virtual dataset field (a name field takes four), and as many rows per record as its
 * longest multiple field has values. Only list exports carry the header row; a one-record
 * export has none, as in EPrints.
 *
 * Quoting is EPrints' own rule (csv-stringify's `quoted` plus `quoted_string`, written out
 * here because the bulk export spends its time in it): every defined value is quoted with
 * `"` doubled (an empty string becomes `""`), an undefined cell stays bare, rows end CRLF.
 * EPrints deletes every `\r` from values, so that happens before quoting.
 *
 * Spreadsheet formula injection (EPrints does nothing about it): with `csvFidelity: "exact"`
 * the bytes are EPrints'; with `"safe"`, Vellum's default, see `neutraliseFormula`.
 */
import { publicFields, type FieldDef } from "../records/fields.js";
import type { EPrint } from "../records/schema.js";
import type { ExportFormat, FormatContext } from "./types.js";
import { NAME_PARTS, exportedSubfields, lexical } from "./lexical.js";

/**
 * A column-bearing EPrints field: a plain field, or the inner field a compound registers
 * for each of its sub-fields (`creators_name`, `related_url_type`), which shares the
 * compound's multiplicity. Compound parents themselves are virtual and have no column.
 */
interface GridField {
  name: string;
  type: FieldDef["type"];
  multiple: boolean;
  /** the record's key */
  field: string;
  /** the sub-field a compound's column shows */
  sub?: string;
}

function gridFields(fields: readonly FieldDef[]): GridField[] {
  const out: GridField[] = [];
  for (const def of fields) {
    if (!def.exported) continue;
    if (def.type !== "compound") {
      out.push({ name: def.name, type: def.type, multiple: !!def.multiple, field: def.name });
      continue;
    }
    for (const sub of exportedSubfields(def)) {
      out.push({ name: `${def.name}_${sub.name}`, type: sub.type, multiple: !!def.multiple, field: def.name, sub: sub.name });
    }
  }
  return out;
}

/** A stored value (one item of a multiple field) as the column shows it: a compound's sub-field. */
function pick(g: GridField, v: unknown): unknown {
  return g.sub === undefined ? v : (v as Record<string, unknown> | undefined)?.[g.sub];
}

const gridCache = new WeakMap<readonly FieldDef[], GridField[]>();
function gridFor(ctx: FormatContext): GridField[] {
  const fields = publicFields(ctx.options);
  let grid = gridCache.get(fields);
  if (!grid) gridCache.set(fields, (grid = gridFields(fields)));
  return grid;
}

/** The header names: a name field is split into its four parts, `creators_name.family` etc. */
export function csvHeader(ctx: FormatContext): string[] {
  return gridFor(ctx).flatMap((g) => (g.type === "name" ? NAME_PARTS.map((p) => `${g.name}.${p}`) : [g.name]));
}

/**
 * One grid field placed in the row: its first column and the text of its cells when they
 * are bare (a name takes four columns, so three commas).
 */
interface Placed {
  g: GridField;
  at: number;
  bare: string;
}

interface Layout {
  fields: Placed[];
  /** the multiple fields: the only ones with cells in rows after the first */
  multiple: Placed[];
  width: number;
}

const layoutCache = new WeakMap<GridField[], Layout>();
function layoutFor(ctx: FormatContext): Layout {
  const grid = gridFor(ctx);
  let layout = layoutCache.get(grid);
  if (!layout) {
    const fields: Placed[] = [];
    let at = 0;
    for (const g of grid) {
      const w = g.type === "name" ? NAME_PARTS.length : 1;
      fields.push({ g, at, bare: ",".repeat(w - 1) });
      at += w;
    }
    // every row repeats the first cell (eprintid), so the first column must be one single value
    const first = grid[0];
    if (!first || first.multiple || first.type === "name") throw new Error("CSV: the first column must be a single-valued field");
    layout = { fields, multiple: fields.filter((f) => f.g.multiple), width: at };
    layoutCache.set(grid, layout);
  }
  return layout;
}

/**
 * A defined cell as EPrints quotes it: `\r` deleted, `"` doubled, always in quotes; with
 * `safe`, a formula neutralised first. (csv-stringify's `quoted` + `quoted_string`, which
 * this replaced for speed, writes the same bytes.)
 */
function quote(c: string, safe: boolean): string {
  let s = c.indexOf("\r") < 0 ? c : c.replace(/\r/g, "");
  if (safe) s = neutraliseFormula(s);
  return s.indexOf('"') < 0 ? `"${s}"` : `"${s.replace(/"/g, '""')}"`;
}

/** The cells of one value, joined by commas. A stored name has all four parts, its missing ones as "" (that is how EPrints stores them). */
function cellsOf(p: Placed, v: unknown, safe: boolean): string {
  if (v === undefined) return p.bare;
  if (p.g.type === "name") {
    const n = v as Record<string, string | undefined>;
    return `${quote(n.family ?? "", safe)},${quote(n.given ?? "", safe)},${quote(n.lineage ?? "", safe)},${quote(n.honourific ?? "", safe)}`;
  }
  return quote(lexical(v), safe);
}

/**
 * A multiple field without values still fills row 1 with its type's empty value: a name's
 * is an empty hash (four bare cells), a text-like field's is "" (a quoted empty cell).
 * (Int's empty value would differ, but the pub table has no multiple int field.)
 */
function emptyCells(p: Placed): string {
  return p.g.type === "name" ? p.bare : '""';
}

/**
 * The rows of one record, each ending CRLF: row j holds value j of every multiple field;
 * every row repeats the first cell (eprintid) and spans the full width, the rest bare.
 */
function csvRecord(record: EPrint, ctx: FormatContext, safe: boolean): string {
  const { fields, multiple, width } = layoutFor(ctx);
  const r = record as Record<string, unknown>;
  let rows = 1;
  for (const p of multiple) {
    const n = (r[p.g.field] as unknown[] | undefined)?.length ?? 0;
    if (n > rows) rows = n;
  }
  let first = "";
  let out = "";
  for (let i = 0; i < fields.length; i++) {
    const p = fields[i]!;
    const v = r[p.g.field];
    let cells: string;
    if (p.g.multiple) {
      const values = v as unknown[] | undefined;
      cells = values?.length ? cellsOf(p, pick(p.g, values[0]), safe) : emptyCells(p);
    } else cells = cellsOf(p, pick(p.g, v), safe);
    if (i === 0) {
      first = cells;
      out = cells;
    } else out += `,${cells}`;
  }
  out += "\r\n";
  for (let j = 1; j < rows; j++) {
    let line = first;
    let col = 0; // the last column written
    for (const p of multiple) {
      const values = r[p.g.field] as unknown[] | undefined;
      if (!values || j >= values.length) continue;
      line += commas(p.at - col) + cellsOf(p, pick(p.g, values[j]), safe);
      col = p.at + p.bare.length;
    }
    out += `${line}${commas(width - 1 - col)}\r\n`;
  }
  return out;
}

const COMMAS: string[] = [];
function commas(n: number): string {
  return (COMMAS[n] ??= ",".repeat(n));
}

const FORMULA_START = /^[=+\-@\t\r\n\uFF1D\uFF0B\uFF0D\uFF20]/;
const PLAIN_NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$/;

/**
 * OWASP's CSV-injection advice (owasp.org/www-community/attacks/CSV_Injection): no cell may
 * start with `=`, `+`, `-`, `@`, tab, CR or LF, and the fix is a single quote prepended inside
 * the double quotes (`"'=1+2"`). The full-width forms of = + - @ are included because Apple
 * Numbers folds them to ASCII (the same list csv-stringify's `escape_formulas` uses).
 * One deliberate exception: a cell that is just a signed decimal number (`-5`, `+3.25`) is
 * left alone, since a spreadsheet reads it as that number and nothing can execute, while a
 * quote would turn data into text. Anything more (`-2+3`, `+44 1227 764000`) is prefixed.
 * Cells cannot break out of their quotes, because every defined value is quoted and its
 * quotes are doubled, which is OWASP's other condition.
 */
export function neutraliseFormula(cell: string): string {
  return FORMULA_START.test(cell) && !PLAIN_NUMBER.test(cell) ? `'${cell}` : cell;
}

function serialize(record: EPrint, ctx: FormatContext): string {
  return csvRecord(record, ctx, ctx.options.csvFidelity === "safe");
}

export const csvFormat: ExportFormat = {
  id: "CSV",
  label: "Multiline CSV",
  mediaType: "text/csv; charset=utf-8",
  extension: ".csv",
  aliases: ["text/csv"],
  visibility: "all",
  serialize,
  list: {
    head: (ctx) => `${csvHeader(ctx).map((h) => quote(h, false)).join(",")}\r\n`,
    item: (record, ctx) => serialize(record, ctx),
    tail: () => "",
  },
};
