/**
 * Constructed records for the reference-manager formats (RIS, EndNote, Refer, RefWorks):
 * one per branch the EPrints plugins take by type or status that the seven examples do not
 * reach. Every record passes EPrintSchema, so it is one Vellum could hold.
 */
import { EPrintSchema, type EPrint } from "../../src/records/schema.js";
import { eprintDir } from "../../src/records/fields.js";

export function record(eprintid: number, fields: Record<string, unknown>): EPrint {
  return EPrintSchema.parse({
    eprintid,
    rev_number: 1,
    eprint_status: "archive",
    dir: eprintDir(eprintid),
    lastmod: "2024-01-01 00:00:00",
    ...fields,
  });
}

const person = (family: string, given?: string, extra: Record<string, string> = {}) => ({
  name: { family, ...(given ? { given } : {}), ...extra },
});

export const BOOK = record(201, {
  type: "book",
  title: "A whole book",
  creators: [person("Author", "Ann")],
  editors: [person("Editor", "Ed")],
  date: "2020-03-04",
  volume: "2",
  number: "7",
  pages: 320,
  series: "Series of Books",
  publisher: "Big Press",
  place_of_pub: "London",
  isbn: "978-0-306-40615-7",
  issn: "1234-5679",
  id_number: "doi:10.1000/book.1",
});

/** A book with editors and no creators: EndNote's "Edited Book". */
export const EDITED_BOOK = record(202, {
  type: "book",
  title: "An edited book",
  editors: [person("Editor", "Eve"), person("Second", "Sam")],
  date: "2019",
});

export const BOOK_SECTION = record(203, {
  type: "book_section",
  title: "A chapter",
  creators: [person("Writer", "Wil", { lineage: "Jr", honourific: "Dr" })],
  editors: [person("Editor", "Ed")],
  book_title: "The Containing Book",
  series: "Chapter Series",
  volume: "3",
  pagerange: "5-17",
  isbn: "978-0-306-40615-7",
  publisher: "Press",
  date: "2018-11",
});

export const CONFERENCE_ITEM = record(204, {
  type: "conference_item",
  title: "A talk",
  creators: [person("Speaker", "Sue")],
  editors: [person("Chair", "Cy")],
  event_title: "Conf 2021",
  event_location: "Oslo, Norway",
  place_of_pub: "Bergen",
  publication: "Proceedings of Conf 2021",
  volume: "12",
  number: "1",
  pagerange: "7",
  publisher: "ACM",
  issn: "1234-5679",
  date: "2021-06-01",
});

export const MONOGRAPH = record(205, {
  type: "monograph",
  monograph_type: "working_paper",
  title: "A working paper",
  creators: [person("Analyst", "Al")],
  corp_creators: ["Kent Policy Unit", "Ministry of Examples"],
  institution: "University of Kent",
  publisher: "Kent Press",
  series: "Working Papers",
  id_number: "WP-2022-03",
  place_of_pub: "Canterbury",
  date: "2022",
});

export const THESIS = record(206, {
  type: "thesis",
  thesis_type: "doctoral",
  monograph_type: "manual",
  title: "A thesis",
  creators: [person("Student", "Stu")],
  institution: "University of Kent",
  department: "School of Computing",
  publisher: "Not used for theses",
  volume: "1",
  number: "2",
  pages: 250,
  pagerange: "1-250",
  date: "2017-09-30",
});

export const PATENT = record(207, {
  type: "patent",
  title: "A widget",
  creators: [person("Inventor", "Ivy")],
  patent_applicant: "Widgets Ltd",
  institution: "European Patent Office",
  id_number: "EP1234567",
  volume: "9",
  number: "4",
  place_of_pub: "Munich",
  publisher: "EPO",
  series: "Patents",
  pagerange: "1-20",
  date: "2016-02",
});

export const INPRESS = record(208, {
  type: "article",
  ispublished: "inpress",
  title: "Forthcoming",
  creators: [person("Soon", "Sal")],
  publication: "Journal of Futures",
  date: "2026",
});

export const UNPUB_THESIS = record(209, {
  type: "thesis",
  ispublished: "unpub",
  title: "An unpublished thesis",
  creators: [person("Student", "Una")],
  note: "Embargoed.",
});

/** No pagerange, but a page count; odd characters; corporate creators; a DOI with a proxy prefix. */
export const ODD = record(210, {
  type: "other",
  title: "Ελληνικά, 中文 and 🙂 in one title",
  creators: [person("Łukasiewicz", "Jan"), person("Plato")],
  corp_creators: ["Example Consortium"],
  keywords: ",lead,,trail,",
  pages: 12,
  number: "5",
  id_number: "https://doi.org/10.5555/ODD.2",
  official_url: "https://example.org/odd",
  abstract: "Line one.\r\nLine two.\n\nNew paragraph.",
  ispublished: "submitted",
  date: "2015-01",
});

export const CONSTRUCTED: readonly EPrint[] = [
  BOOK, EDITED_BOOK, BOOK_SECTION, CONFERENCE_ITEM, MONOGRAPH, THESIS, PATENT, INPRESS, UNPUB_THESIS, ODD,
];
