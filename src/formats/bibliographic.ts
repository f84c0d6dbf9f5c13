/**
 * What the reference-manager formats (RIS, EndNote, Refer, RefWorks) share: EPrints' way
 * of writing a person's name, the English labels of the few set values they print, the
 * year of a date, the abstract page URL, and a tag table that mirrors the Perl hash each
 * EPrints plugin fills (a later value for a tag replaces an earlier one) but is written
 * in a fixed order, so Vellum's output is stable where EPrints' is hash-ordered.
 */
import type { ISPUBLISHED, MONOGRAPH_TYPES, THESIS_TYPES } from "../records/fields.js";
import type { EPrint, Name } from "../records/schema.js";
import type { FormatContext } from "./types.js";
import { isSet } from "./lexical.js";

/** Perl's truth test on a string, which EPrints' name joining relies on: "" and "0" are false. */
const perlTrue = (s: string): boolean => s !== "" && s !== "0";

/**
 * EPrints::Utils::make_name_string. Family first: "Family Lineage, Honourific Given";
 * given first: "Honourific Given Family Lineage". When one half is empty the other is
 * returned alone, so a family-only name has no comma.
 */
export function nameString(name: Name, givenFirst: boolean): string {
  const first = (name.honourific ? `${name.honourific} ` : "") + (name.given ?? "");
  let second = name.family ?? "";
  if (name.lineage) second += (perlTrue(second) ? " " : "") + name.lineage;
  if (perlTrue(first) && perlTrue(second)) return givenFirst ? `${first} ${second}` : `${second}, ${first}`;
  return first + second;
}

/** English phrases `eprint_fieldopt_<field>_<value>` (lib/lang/en/phrases/system.xml). */
export const ISPUBLISHED_LABELS: Record<(typeof ISPUBLISHED)[number], string> = {
  pub: "Published",
  inpress: "In Press",
  submitted: "Submitted",
  unpub: "Unpublished",
};

export const MONOGRAPH_TYPE_LABELS: Record<(typeof MONOGRAPH_TYPES)[number], string> = {
  technical_report: "Technical Report",
  project_report: "Project Report",
  documentation: "Documentation",
  manual: "Manual",
  working_paper: "Working Paper",
  discussion_paper: "Discussion Paper",
  other: "Other",
};

export const THESIS_TYPE_LABELS: Record<(typeof THESIS_TYPES)[number], string> = {
  diploma: "Diploma",
  masters: "Masters",
  doctoral: "Doctoral",
  postdoctoral: "Post-Doctoral",
  other: "Other",
};

/** The four-digit year of an EPrints date (`YYYY[-MM[-DD]]`). */
export function year(date: string): string {
  return date.slice(0, 4);
}

/** The abstract page, EPrints' `get_url` for an eprint. */
export function abstractUrl(record: EPrint, ctx: FormatContext): string {
  return `${ctx.repo.baseUrl}/id/eprint/${record.eprintid}/`;
}

/**
 * Tag → values for one record. `set` replaces (as assigning a Perl hash key does) and
 * ignores an unset value, as EPrints' `exists_and_set` guards do; `add` appends one value
 * of a repeated tag, even an empty one (EPrints pushes the empty pieces of split
 * keywords). `entries` writes the tags in the order given at construction.
 */
export class TagTable<T extends string> {
  private readonly values = new Map<T, string[]>();
  constructor(private readonly order: readonly T[]) {}

  set(tag: T, value: string | number | undefined): void {
    if (isSet(value)) this.values.set(tag, [String(value)]);
  }

  add(tag: T, value: string | number | undefined): void {
    if (value === undefined) return;
    const list = this.values.get(tag);
    if (list) list.push(String(value));
    else this.values.set(tag, [String(value)]);
  }

  entries(): [T, string][] {
    return this.order.flatMap((tag) => (this.values.get(tag) ?? []).map((v): [T, string] => [tag, v]));
  }
}
