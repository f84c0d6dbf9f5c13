/**
 * The EPrints 3.4 "pub" flavour eprint dataset, as data: every field in dataset order
 * (system fields, then config fields), with its EPrints type, multiplicity and whether
 * public exports include it (`export_as_xml`). EP3 XML, JSON, CSV, Simple and the REST
 * API walk this table, so field order and privacy are decided here, once.
 */

export type FieldType =
  | "counter"
  | "int"
  | "text"
  | "longtext"
  | "id"
  | "url"
  | "email"
  | "set"
  | "namedset"
  | "boolean"
  | "date"
  | "time"
  | "timestamp"
  | "pagerange"
  | "subject"
  | "itemref"
  | "name"
  | "compound";

export interface FieldDef {
  name: string;
  type: FieldType;
  multiple?: boolean;
  /** EPrints' export_as_xml: false keeps the field out of public XML, JSON and CSV. */
  exported: boolean;
  /** Allowed values for set/namedset fields. */
  options?: readonly string[];
  /** Sub-fields of a compound, in config order. */
  subfields?: FieldDef[];
  /** Maximum length for text fields that EPrints limits. */
  maxlength?: number;
  /** Set by the server only: clients cannot write it. */
  system?: boolean;
}

export const EPRINT_STATUSES = ["inbox", "buffer", "archive", "deletion"] as const;
export type EPrintStatus = (typeof EPRINT_STATUSES)[number];

/** The `eprint` namedset of the pub flavour, in its own order. */
export const EPRINT_TYPES = [
  "article",
  "book_section",
  "monograph",
  "conference_item",
  "book",
  "thesis",
  "patent",
  "artefact",
  "exhibition",
  "composition",
  "performance",
  "image",
  "video",
  "audio",
  "dataset",
  "experiment",
  "teaching_resource",
  "other",
] as const;

export const ISPUBLISHED = ["pub", "inpress", "submitted", "unpub"] as const;
export const DATE_TYPES = ["published", "submitted", "completed"] as const;
export const FULL_TEXT_STATUSES = ["public", "restricted", "none"] as const;
export const MONOGRAPH_TYPES = [
  "technical_report",
  "project_report",
  "documentation",
  "manual",
  "working_paper",
  "discussion_paper",
  "other",
] as const;
export const PRES_TYPES = ["paper", "lecture", "speech", "poster", "keynote", "other"] as const;
export const EVENT_TYPES = ["conference", "workshop", "other"] as const;
export const THESIS_TYPES = ["diploma", "masters", "doctoral", "postdoctoral", "other"] as const;
export const THESIS_NAMES = ["mphil", "phd", "dphil", "other"] as const;
export const RELATED_URL_TYPES = ["pub", "author", "org", "place"] as const;
export const PEDAGOGIC_TYPES = [
  "presentation",
  "activity",
  "case",
  "enquiry",
  "problem",
  "collaboration",
  "communication",
] as const;
export const METADATA_VISIBILITY = ["show", "no_search", "hide"] as const;
/** contributor_type namedset: MARC relator URIs as released 3.4.x store them. */
export const CONTRIBUTOR_TYPES = [
  "http://www.loc.gov/loc.terms/relators/AUT",
  "http://www.loc.gov/loc.terms/relators/EDT",
  "http://www.loc.gov/loc.terms/relators/THS",
  "http://www.loc.gov/loc.terms/relators/CTB",
  "http://www.loc.gov/loc.terms/relators/ILL",
  "http://www.loc.gov/loc.terms/relators/TRL",
  "http://www.loc.gov/loc.terms/relators/PBL",
  "http://www.loc.gov/loc.terms/relators/DGS",
  "http://www.loc.gov/loc.terms/relators/SPN",
  "http://www.loc.gov/loc.terms/relators/PRF",
  "http://www.loc.gov/loc.terms/relators/RES",
  "http://www.loc.gov/loc.terms/relators/OTH",
] as const;

const f = (name: string, type: FieldType, extra: Partial<FieldDef> = {}): FieldDef => ({
  name,
  type,
  exported: true,
  ...extra,
});

/**
 * ORCID is the sub-field the EPrints ORCID Support plugin appends to creators and editors.
 * Stock EPrints has none, so exports leave it out unless VELLUM_EXPORT_ORCID is on
 * (see `fieldsFor`).
 */
const personSubfields = (withType: boolean): FieldDef[] => [
  ...(withType ? [f("type", "namedset", { options: CONTRIBUTOR_TYPES })] : []),
  f("name", "name"),
  f("id", "text", { exported: false }),
  f("orcid", "id", { exported: false }),
];

export const EPRINT_FIELDS: readonly FieldDef[] = [
  // System fields (EPrints::DataObj::EPrint::get_system_field_info), in their order.
  f("eprintid", "counter", { system: true }),
  f("rev_number", "int", { system: true }),
  f("eprint_status", "set", { options: EPRINT_STATUSES, system: true }),
  f("userid", "itemref", { system: true }),
  f("importid", "itemref", { system: true }),
  f("source", "text"),
  f("dir", "text", { system: true }),
  f("datestamp", "time", { system: true }),
  f("lastmod", "timestamp", { system: true }),
  f("status_changed", "time", { system: true }),
  f("type", "namedset", { options: EPRINT_TYPES }),
  f("succeeds", "itemref"),
  f("commentary", "itemref"),
  f("metadata_visibility", "set", { options: METADATA_VISIBILITY }),
  f("relation", "compound", { multiple: true, subfields: [f("type", "text"), f("uri", "text")] }),
  f("item_issues_count", "int", { system: true }),
  f("sword_depositor", "itemref", { system: true }),
  f("template", "text"),
  // The pub flavour's eprint_fields.pl, in config order.
  f("creators", "compound", { multiple: true, subfields: personSubfields(false) }),
  f("contributors", "compound", { multiple: true, subfields: personSubfields(true) }),
  f("corp_creators", "text", { multiple: true }),
  f("title", "longtext"),
  f("ispublished", "set", { options: ISPUBLISHED }),
  f("subjects", "subject", { multiple: true }),
  f("divisions", "subject", { multiple: true }),
  f("keywords", "longtext"),
  f("note", "longtext"),
  f("suggestions", "longtext", { exported: false }),
  f("abstract", "longtext"),
  f("date", "date"),
  f("date_type", "set", { options: DATE_TYPES }),
  f("publisher", "text"),
  f("official_url", "url"),
  f("id_number", "id"),
  f("data_type", "text"),
  f("copyright_holders", "text", { multiple: true }),
  f("contact_email", "email", { exported: false }),
  f("full_text_status", "set", { options: FULL_TEXT_STATUSES }),
  f("monograph_type", "set", { options: MONOGRAPH_TYPES }),
  f("pres_type", "set", { options: PRES_TYPES }),
  f("series", "text"),
  f("publication", "text"),
  f("volume", "text", { maxlength: 6 }),
  f("number", "text", { maxlength: 6 }),
  f("article_number", "text", { maxlength: 10 }),
  f("place_of_pub", "text"),
  f("pagerange", "pagerange"),
  f("pages", "int"),
  f("event_title", "text"),
  f("event_location", "text"),
  f("event_dates", "text"),
  f("event_type", "set", { options: EVENT_TYPES }),
  f("patent_applicant", "text"),
  f("institution", "text"),
  f("department", "text"),
  f("thesis_type", "set", { options: THESIS_TYPES }),
  f("thesis_name", "set", { options: THESIS_NAMES }),
  f("refereed", "boolean"),
  f("isbn", "text"),
  f("issn", "text"),
  f("book_title", "text"),
  f("edition", "text"),
  f("editors", "compound", { multiple: true, subfields: personSubfields(false) }),
  f("related_url", "compound", {
    multiple: true,
    subfields: [f("url", "url"), f("type", "set", { options: RELATED_URL_TYPES })],
  }),
  f("referencetext", "longtext"),
  f("funders", "text", { multiple: true }),
  f("projects", "text", { multiple: true }),
  f("output_media", "text"),
  f("num_pieces", "int"),
  f("composition_type", "text"),
  f("pedagogic_type", "set", { options: PEDAGOGIC_TYPES }),
  f("completion_time", "text"),
  f("task_purpose", "longtext"),
  f("skill_areas", "text", { multiple: true }),
  f("learning_level", "text"),
  f("gscholar", "compound", {
    subfields: [f("impact", "int"), f("cluster", "id"), f("datestamp", "time")],
  }),
];

export const FIELD_BY_NAME: ReadonlyMap<string, FieldDef> = new Map(EPRINT_FIELDS.map((d) => [d.name, d]));

export interface ExportOptions {
  /** Show ORCIDs where a format has a place for them (the ORCID Support plugin's layout). */
  exportOrcid: boolean;
}

const cache = new Map<string, readonly FieldDef[]>();

/**
 * The fields a public export walks: the table above with `orcid` switched on when the
 * repository chooses to show ORCIDs. Staff exports use EPRINT_FIELDS with `exported` ignored.
 */
export function publicFields(opts: ExportOptions): readonly FieldDef[] {
  const key = opts.exportOrcid ? "orcid" : "plain";
  let fields = cache.get(key);
  if (!fields) {
    fields = EPRINT_FIELDS.map((d) =>
      d.subfields && opts.exportOrcid
        ? { ...d, subfields: d.subfields.map((s) => (s.name === "orcid" ? { ...s, exported: true } : s)) }
        : d,
    );
    cache.set(key, fields);
  }
  return fields;
}

/** EPrints' `dir`: the id zero-padded to 8 digits, split in pairs under disk0. */
export function eprintDir(eprintid: number): string {
  const p = String(eprintid).padStart(8, "0");
  return `disk0/${p.slice(0, 2)}/${p.slice(2, 4)}/${p.slice(4, 6)}/${p.slice(6, 8)}`;
}
