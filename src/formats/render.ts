/**
 * How EPrints renders field values as text (English phrases, pub flavour): what
 * `render_value` followed by `tree_to_utf8` gives for the fields the bibliographic
 * exports use. Labels are from lib/lang/en/phrases/system.xml.
 */
import type { Name } from "../records/schema.js";

export const TYPE_LABELS: Readonly<Record<string, string>> = {
  article: "Article",
  book_section: "Book Section",
  monograph: "Monograph",
  conference_item: "Conference or Workshop Item",
  book: "Book",
  thesis: "Thesis",
  patent: "Patent",
  artefact: "Artefact",
  exhibition: "Show/Exhibition",
  composition: "Composition",
  performance: "Performance",
  image: "Image",
  video: "Video",
  audio: "Audio",
  dataset: "Dataset",
  experiment: "Experiment",
  teaching_resource: "Teaching Resource",
  other: "Other",
};

export const THESIS_TYPE_LABELS: Readonly<Record<string, string>> = {
  diploma: "Diploma",
  masters: "Masters",
  doctoral: "Doctoral",
  postdoctoral: "Post-Doctoral",
  other: "Other",
};

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

/** The `eprint_typename_<type>` phrase; EPrints shows a missing phrase as `[id]`. */
export function typeLabel(type: string): string {
  return TYPE_LABELS[type] ?? `[eprint_typename_${type}]`;
}

/** tree_to_utf8 on a text node: every run of whitespace becomes one space. */
export function collapseWhitespace(s: string): string {
  return s.replace(/\s+/g, " ");
}

/**
 * EPrints::Utils::make_name_string: "Family Lineage, Honourific Given", or given first
 * when `familyLast`. With only one side present there is no comma.
 */
export function makeNameString(name: Partial<Name>, familyLast = false): string {
  const first = (name.honourific ? `${name.honourific} ` : "") + (name.given ?? "");
  let second = name.family ?? "";
  if (name.lineage) second += (second ? " " : "") + name.lineage;
  if (first && second) return familyLast ? `${first} ${second}` : `${second}, ${first}`;
  return first + second;
}

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
