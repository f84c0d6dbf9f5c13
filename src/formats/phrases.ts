/**
 * The English phrases (lib/lang/en/phrases/system.xml) that EPrints prints in place of
 * coded values: type names and set-option labels. Formats that show a label rather than
 * the stored code (citations, Dublin Core) read them from here.
 */
import type { EPrint } from "../records/schema.js";

type Labels<K extends string> = Readonly<Record<K, string>>;

/** `eprint_typename_<type>`. */
export const EPRINT_TYPE_NAMES: Labels<EPrint["type"]> = {
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

/** `eprint_fieldopt_ispublished_<value>`. */
export const ISPUBLISHED_NAMES: Labels<NonNullable<EPrint["ispublished"]>> = {
  pub: "Published",
  inpress: "In Press",
  submitted: "Submitted",
  unpub: "Unpublished",
};

/** `eprint_fieldopt_monograph_type_<value>`. */
export const MONOGRAPH_TYPE_NAMES: Labels<NonNullable<EPrint["monograph_type"]>> = {
  technical_report: "Technical Report",
  project_report: "Project Report",
  documentation: "Documentation",
  manual: "Manual",
  working_paper: "Working Paper",
  discussion_paper: "Discussion Paper",
  other: "Other",
};

/** `eprint_fieldopt_thesis_type_<value>`. */
export const THESIS_TYPE_NAMES: Labels<NonNullable<EPrint["thesis_type"]>> = {
  diploma: "Diploma",
  masters: "Masters",
  doctoral: "Doctoral",
  postdoctoral: "Post-Doctoral",
  other: "Other",
};

/** `lib/metafield:unspecified`: what EPrints prints for a field that has no value. */
export const UNSPECIFIED = "UNSPECIFIED";
/** `lib/metafield:join_name`: between the names of a multiple name field. */
export const JOIN_NAME = " and ";
/** `lib/citation:part_of_prefix`. */
export const PART_OF_PREFIX = "In:";
/** `eprint_fieldname_editors_name_cite` / `..._names_cite`. */
export const EDITOR_CITE = "(ed.)";
export const EDITORS_CITE = "(eds.)";
/** `eprint_typename_thesis_cite`. */
export const THESIS_CITE = "thesis";
