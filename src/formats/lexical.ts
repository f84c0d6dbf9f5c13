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
  if (value === undefined || value === null || value === "") return false;
  if (Array.isArray(value)) return value.some(isSet);
  if (typeof value === "object") return Object.values(value as object).some(isSet);
  return true;
}

/** The sub-fields of a compound that a public export shows. */
export function exportedSubfields(def: FieldDef): FieldDef[] {
  return (def.subfields ?? []).filter((s) => s.exported);
}

export const NAME_PARTS = ["family", "given", "lineage", "honourific"] as const;
