/**
 * EPrints' lexical forms of typed values (REFERENCE.md §1.1), shared by the text formats:
 * booleans are TRUE/FALSE, numbers decimal strings, everything else the stored string.
 */
import type { FieldDef } from "../records/fields.js";

export function lexical(value: unknown): string {
  if (typeof value === "boolean") return value ? "TRUE" : "FALSE";
  if (typeof value === "number") return String(value);
  return String(value);
}

/** EPrints::Utils::is_set: undefined, "", [] and objects whose values are all unset are not set. */
export function isSet(value: unknown): boolean {
  if (typeof value === "string") return value !== "";
  if (value === undefined || value === null) return false;
  if (Array.isArray(value)) {
    for (const v of value) if (isSet(v)) return true;
    return false;
  }
  if (typeof value === "object") {
    for (const k in value) if (isSet((value as Record<string, unknown>)[k])) return true;
    return false;
  }
  return true;
}

const subfieldCache = new WeakMap<FieldDef, FieldDef[]>();

/** The sub-fields of a compound that a public export shows (field tables are fixed, so kept). */
export function exportedSubfields(def: FieldDef): FieldDef[] {
  let subs = subfieldCache.get(def);
  if (!subs) subfieldCache.set(def, (subs = (def.subfields ?? []).filter((s) => s.exported)));
  return subs;
}

export const NAME_PARTS = ["family", "given", "lineage", "honourific"] as const;
