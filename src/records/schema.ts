/**
 * The canonical eprint record. The API's JSON is this object; every format, the import
 * parsers and the database mapping start from it. Field names are EPrints' own; values are
 * typed cleanly (booleans, integers, arrays), and an unset field is simply absent.
 */
import { z } from "zod";
import {
  CONTRIBUTOR_TYPES,
  DATE_TYPES,
  EPRINT_STATUSES,
  EPRINT_TYPES,
  EVENT_TYPES,
  FULL_TEXT_STATUSES,
  ISPUBLISHED,
  METADATA_VISIBILITY,
  MONOGRAPH_TYPES,
  PEDAGOGIC_TYPES,
  PRES_TYPES,
  RELATED_URL_TYPES,
  THESIS_NAMES,
  THESIS_TYPES,
} from "./fields.js";
import {
  dateProblem,
  doiProblem,
  isHttpUrl,
  isValidIsbn,
  isValidIssn,
  isValidOrcid,
  storableTextProblem,
  timeProblem,
} from "./validators.js";

const refine = (check: (v: string) => string | null) => (v: string, ctx: z.RefinementCtx) => {
  const problem = check(v);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
};

/** A string of text the database can store (no NUL, no unpaired surrogate): users', subjects' and tokens' fields. */
export const storableString = (min: number, max: number) =>
  z.string().min(min).max(max).superRefine(refine(storableTextProblem));

/** EPrints `text`: one line, at most 255 characters (its VARCHAR(255)). */
const text = (max = 255) =>
  z
    .string()
    .min(1, "must not be empty; leave the field out instead")
    .max(max, `at most ${max} characters`)
    .refine((s) => !/[\r\n]/.test(s), "must be a single line")
    .superRefine(refine(storableTextProblem));
/** EPrints `longtext`: keeps newlines. */
const longtext = z.string().min(1, "must not be empty; leave the field out instead").max(1_000_000).superRefine(refine(storableTextProblem));
const url = z
  .string()
  .max(2048)
  .refine(isHttpUrl, "must be an absolute http(s) URL")
  .superRefine(refine(storableTextProblem));
const int = z.number().int().min(0).max(2_147_483_647);
const date = z.string().superRefine(refine(dateProblem)).meta({ description: "YYYY, YYYY-MM or YYYY-MM-DD" });
const time = z
  .string()
  .superRefine(refine(timeProblem))
  .meta({ description: "EPrints time, `YYYY-MM-DD hh:mm:ss` UTC" });
const orcid = z.string().regex(/^\d{4}-\d{4}-\d{4}-\d{3}[\dX]$/, "must be an ORCID iD such as 0000-0002-1825-0097");

export const NameSchema = z
  .strictObject({
    family: text().optional(),
    given: text().optional(),
    lineage: text(32).optional(),
    honourific: text(32).optional(),
  })
  .refine((n) => n.family !== undefined || n.given !== undefined, "a name needs a family or a given part")
  .meta({ id: "Name" });
export type Name = z.infer<typeof NameSchema>;

const person = {
  name: NameSchema,
  id: text().optional().meta({ description: "Usually an e-mail or a staff id; shown to editors and admins only" }),
  orcid: orcid.optional(),
};
export const CreatorSchema = z.strictObject(person).meta({ id: "Creator" });
export type Creator = z.infer<typeof CreatorSchema>;
export const ContributorSchema = z
  .strictObject({ type: z.enum(CONTRIBUTOR_TYPES).optional(), ...person })
  .meta({ id: "Contributor" });
export type Contributor = z.infer<typeof ContributorSchema>;

const subjectId = z
  .string()
  .regex(/^[A-Za-z0-9_.:-]{1,128}$/, "must be a subject id (letters, digits, _ . : -)");
const many = <T extends z.ZodType>(item: T, max = 10_000) => z.array(item).max(max);

/** Bibliographic fields a depositor writes. */
export const metadataShape = {
  type: z.enum(EPRINT_TYPES),
  source: text().optional(),
  succeeds: int.positive().optional(),
  commentary: int.positive().optional(),
  metadata_visibility: z.enum(METADATA_VISIBILITY).optional(),
  relation: many(z.strictObject({ type: text().optional(), uri: text(2048).optional() })).optional(),
  template: text().optional(),
  creators: many(CreatorSchema).optional(),
  contributors: many(ContributorSchema).optional(),
  corp_creators: many(text()).optional(),
  title: longtext.optional(),
  ispublished: z.enum(ISPUBLISHED).optional(),
  subjects: many(subjectId).optional(),
  divisions: many(subjectId).optional(),
  keywords: longtext.optional(),
  note: longtext.optional(),
  suggestions: longtext.optional(),
  abstract: longtext.optional(),
  date: date.optional(),
  date_type: z.enum(DATE_TYPES).optional(),
  publisher: text().optional(),
  official_url: url.optional(),
  id_number: text().optional(),
  data_type: text().optional(),
  copyright_holders: many(text()).optional(),
  contact_email: z.email().max(255).optional(),
  full_text_status: z.enum(FULL_TEXT_STATUSES).optional(),
  monograph_type: z.enum(MONOGRAPH_TYPES).optional(),
  pres_type: z.enum(PRES_TYPES).optional(),
  series: text().optional(),
  publication: text().optional(),
  volume: text(6).optional(),
  number: text(6).optional(),
  article_number: text(10).optional(),
  place_of_pub: text().optional(),
  pagerange: text().optional(),
  pages: int.optional(),
  event_title: text().optional(),
  event_location: text().optional(),
  event_dates: text().optional(),
  event_type: z.enum(EVENT_TYPES).optional(),
  patent_applicant: text().optional(),
  institution: text().optional(),
  department: text().optional(),
  thesis_type: z.enum(THESIS_TYPES).optional(),
  thesis_name: z.enum(THESIS_NAMES).optional(),
  refereed: z.boolean().optional(),
  isbn: text().optional(),
  issn: text().optional(),
  book_title: text().optional(),
  edition: text().optional(),
  editors: many(CreatorSchema).optional(),
  related_url: many(z.strictObject({ url: url.optional(), type: z.enum(RELATED_URL_TYPES).optional() })).optional(),
  referencetext: longtext.optional(),
  funders: many(text()).optional(),
  projects: many(text()).optional(),
  output_media: text().optional(),
  num_pieces: int.optional(),
  composition_type: text().optional(),
  pedagogic_type: z.enum(PEDAGOGIC_TYPES).optional(),
  completion_time: text().optional(),
  task_purpose: longtext.optional(),
  skill_areas: many(text()).optional(),
  learning_level: text().optional(),
  gscholar: z
    .strictObject({ impact: int.optional(), cluster: text().optional(), datestamp: time.optional() })
    .optional(),
};

/** Fields only the server sets (an admin import with preserve=ids may carry them in). */
export const systemShape = {
  eprintid: int.positive(),
  rev_number: int.positive(),
  eprint_status: z.enum(EPRINT_STATUSES),
  userid: int.positive().optional(),
  importid: int.positive().optional(),
  dir: z.string(),
  datestamp: time.optional(),
  lastmod: time,
  status_changed: time.optional(),
  item_issues_count: int.optional(),
  sword_depositor: int.positive().optional(),
};

export const EPrintSchema = z.strictObject({ ...systemShape, ...metadataShape }).meta({ id: "EPrint" });
export type EPrint = z.infer<typeof EPrintSchema>;

/**
 * Checks of identifiers that carry a checksum or a registry syntax. A deposit through the
 * JSON API must pass them; an import of existing EPrints data reports them as warnings,
 * because real repositories hold ISBNs with wrong check digits and the migration must not
 * lose those records.
 */
export function identifierIssues(r: Partial<EPrintInput>): { path: (string | number)[]; message: string }[] {
  const out: { path: (string | number)[]; message: string }[] = [];
  if (r.id_number) {
    const p = doiProblem(r.id_number);
    if (p) out.push({ path: ["id_number"], message: p });
  }
  if (r.isbn && !isValidIsbn(r.isbn)) out.push({ path: ["isbn"], message: "must be an ISBN-10 or ISBN-13 with a valid check digit" });
  if (r.issn && !isValidIssn(r.issn)) out.push({ path: ["issn"], message: "must be an ISSN (NNNN-NNNC) with a valid check digit" });
  for (const list of ["creators", "editors", "contributors"] as const) {
    r[list]?.forEach((p, i) => {
      if (p.orcid && !isValidOrcid(p.orcid)) out.push({ path: [list, i, "orcid"], message: "ORCID iD check digit is wrong" });
    });
  }
  return out;
}

/** What a depositor sends to create or replace a record. */
export const EPrintInputSchema = z
  .strictObject(metadataShape)
  .superRefine((r, ctx) => {
    for (const i of identifierIssues(r)) ctx.addIssue({ code: "custom", path: i.path, message: i.message });
  })
  .meta({ id: "EPrintMetadata" });
export type EPrintInput = z.infer<typeof EPrintInputSchema>;

export type EPrintStatus = (typeof EPRINT_STATUSES)[number];
export const SYSTEM_FIELDS = Object.keys(systemShape) as (keyof typeof systemShape)[];
