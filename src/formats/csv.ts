/**
 * "Multiline CSV" (EPrints::Plugin::Export::CSV, REFERENCE.md §4): one column per exported,
 * non-virtual dataset field (a name field takes four), and as many rows per record as its
 * longest multiple field has values. Only list exports carry the header row; a one-record
 * export has none, as in EPrints.
 *
 * Quoting is EPrints' own rule, which csv-stringify reproduces with `quoted` plus
 * `quoted_string`: every defined value is quoted with `"` doubled (an empty string becomes
 * `""`), an undefined cell stays bare, rows end CRLF. EPrints deletes every `\r` from values,
 * so that happens before the cells reach the stringifier.
 *
 * Spreadsheet formula injection (EPrints does nothing about it): with `csvFidelity: "exact"`
 * the bytes are EPrints'; with `"safe"`, Vellum's default, see `neutraliseFormula`.
 */
import { stringify } from "csv-stringify/sync";
import { publicFields, type FieldDef } from "../records/fields.js";
import type { EPrint } from "../records/schema.js";
import type { ExportFormat, FormatContext } from "./types.js";
import { NAME_PARTS, exportedSubfields, lexical } from "./lexical.js";

/** `undefined` is a bare empty cell; a string, even "", is a quoted one. */
type Cell = string | undefined;

/**
 * A column-bearing EPrints field: a plain field, or the inner field a compound registers
 * for each of its sub-fields (`creators_name`, `related_url_type`), which shares the
 * compound's multiplicity. Compound parents themselves are virtual and have no column.
 */
interface GridField {
  name: string;
  type: FieldDef["type"];
  multiple: boolean;
  value(record: EPrint): unknown;
}

function gridFields(fields: readonly FieldDef[]): GridField[] {
  const out: GridField[] = [];
  for (const def of fields) {
    if (!def.exported) continue;
    const get = (r: EPrint) => (r as Record<string, unknown>)[def.name];
    if (def.type !== "compound") {
      out.push({ name: def.name, type: def.type, multiple: !!def.multiple, value: get });
      continue;
    }
    for (const sub of exportedSubfields(def)) {
      const pick = (item: unknown) => (item as Record<string, unknown> | undefined)?.[sub.name];
      out.push({
        name: `${def.name}_${sub.name}`,
        type: sub.type,
        multiple: !!def.multiple,
        value: def.multiple ? (r) => ((get(r) as unknown[] | undefined) ?? []).map(pick) : (r) => pick(get(r)),
      });
    }
  }
  return out;
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

/** The cells of one value. A stored name has all four parts, its missing ones as "" (that is how EPrints stores them). */
function cellsOf(g: GridField, v: unknown): Cell[] {
  if (g.type === "name") {
    const n = v as Record<string, string | undefined> | undefined;
    return NAME_PARTS.map((p) => (n === undefined ? undefined : (n[p] ?? "")));
  }
  return [v === undefined ? undefined : lexical(v)];
}

/**
 * A multiple field without values still fills row 1 with its type's empty value: a name's
 * is an empty hash (four bare cells), a text-like field's is "" (a quoted empty cell).
 * (Int's empty value would differ, but the pub table has no multiple int field.)
 */
function emptyCells(g: GridField): Cell[] {
  return g.type === "name" ? NAME_PARTS.map(() => undefined) : [""];
}

/** The rows of one record, before quoting: row j holds value j of every multiple field. */
function csvRows(record: EPrint, ctx: FormatContext): Cell[][] {
  const rows: Cell[][] = [[]];
  for (const g of gridFor(ctx)) {
    const at = rows[0]!.length;
    const v = g.value(record);
    const values = g.multiple ? (v as unknown[] | undefined) ?? [] : [v];
    const fieldRows = values.length ? values.map((x) => cellsOf(g, x)) : [emptyCells(g)];
    fieldRows.forEach((cells, j) => {
      const row = (rows[j] ??= []);
      cells.forEach((c, k) => (row[at + k] = c));
    });
  }
  // Every row repeats the first cell (eprintid) and spans the full width; the rest stays bare.
  const width = rows[0]!.length;
  const first = rows[0]![0];
  return rows.map((row) => Array.from({ length: width }, (_, k) => (k === 0 ? first : row[k])));
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

function toCsv(rows: Cell[][], safe: boolean): string {
  const clean = rows.map((row) =>
    row.map((c) => {
      if (c === undefined) return c;
      const s = c.replace(/\r/g, "");
      return safe ? neutraliseFormula(s) : s;
    }),
  );
  return stringify(clean, { quoted: true, quoted_string: true, record_delimiter: "\r\n" });
}

function serialize(record: EPrint, ctx: FormatContext): string {
  return toCsv(csvRows(record, ctx), ctx.options.csvFidelity === "safe");
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
    head: (ctx) => toCsv([csvHeader(ctx)], false),
    item: (record, ctx) => serialize(record, ctx),
    tail: () => "",
  },
};
