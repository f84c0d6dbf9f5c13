/**
 * How EPrints renders field values as text where the labels in phrases.ts are not enough:
 * type names with EPrints' fallback, names in either order (make_name_string), dates in
 * words (render_date) and page ranges split into first and last page (split_range).
 */
import type { Name } from "../records/schema.js";
import { EPRINT_TYPE_NAMES } from "./phrases.js";

/** The `eprint_typename_<type>` phrase; EPrints shows a missing phrase as `[id]`. */
export function typeLabel(type: string): string {
  return EPRINT_TYPE_NAMES[type as keyof typeof EPRINT_TYPE_NAMES] ?? `[eprint_typename_${type}]`;
}

/** Perl's truth test on a string, which make_name_string relies on: "" and "0" are false. */
const perlTrue = (s: string): boolean => s !== "" && s !== "0";

/**
 * EPrints::Utils::make_name_string: "Family Lineage, Honourific Given", or given first
 * ("Honourific Given Family Lineage") when `familyLast`. With only one side present there
 * is no comma.
 */
export function makeNameString(name: Partial<Name>, familyLast = false): string {
  const first = (name.honourific ? `${name.honourific} ` : "") + (name.given ?? "");
  let second = name.family ?? "";
  if (name.lineage) second += (perlTrue(second) ? " " : "") + name.lineage;
  if (perlTrue(first) && perlTrue(second)) return familyLast ? `${first} ${second}` : `${second}, ${first}`;
  return first + second;
}

export const MONTHS = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
] as const;

/**
 * The long form of a date field (EPrints::Time::render_date): "2019", "July 2019",
 * "5 July 2019". Months and days are zero-padded in storage, not in the rendering.
 */
export function renderDate(value: string): string {
  const [year, month, day] = value.split("-");
  let out = year!;
  if (month) out = `${MONTHS[Number(month) - 1]} ${out}`;
  if (day) out = `${Number(day)} ${out}`;
  return out;
}

/**
 * EPrints::MetaField::Pagerange::split_range: a lone page number (no leading zero) is a
 * first page; "a-b" splits at the hyphen, and with several hyphens at the middle one,
 * so "A-1-A-9" gives "A-1" and "A-9". Anything else gives no pages.
 */
export function splitPageRange(range: string): [first?: string, last?: string] {
  if (/^[1-9]\d*$/.test(range)) return [range];
  const middle = Math.floor((range.split("-").length - 2) / 2);
  const m = new RegExp(`^((?:[^-]+-){${Math.max(middle, 0)}}[^-]+)-(.+)$`).exec(range);
  return m ? [m[1], m[2]] : [];
}
