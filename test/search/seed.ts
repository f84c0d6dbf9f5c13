/**
 * A small repository with known answers for the search tests: every record differs from the
 * others in the fields the filters read, so each filter, sort and facet has one right answer.
 */
import { eprintDir } from "../../src/records/fields.js";
import { EPrintSchema, type EPrint } from "../../src/records/schema.js";
import type { TestApp } from "../support/app.js";

export const ORCID = "0000-0002-1825-0097";

/** A valid record: system fields filled in, `fields` on top. */
export function record(eprintid: number, fields: Record<string, unknown>): EPrint {
  return EPrintSchema.parse({
    eprintid,
    rev_number: 1,
    eprint_status: "archive",
    dir: eprintDir(eprintid),
    lastmod: "2025-01-01 00:00:00",
    datestamp: "2025-01-01 00:00:00",
    metadata_visibility: "show",
    type: "article",
    ...fields,
  });
}

/** The seeded records, by the name the tests use for them. */
export function seedRecords(users: TestApp["users"]): Record<string, EPrint> {
  return {
    gnn: record(1001, {
      title: "Graph neural networks for sparse data",
      abstract: "We study message passing on sparse graphs.",
      creators: [
        { name: { family: "Müller", given: "Anna-Lena" }, orcid: ORCID, id: "a.mueller@example.org" },
        { name: { family: "O'Brien", given: "Seán" } },
      ],
      keywords: "deep learning, graphs",
      subjects: ["QA75"],
      divisions: ["kent_cs"],
      date: "2024-02-29",
      date_type: "published",
      ispublished: "pub",
      refereed: true,
      id_number: "10.5555/GNN.2024",
      publication: "Journal of Examples",
      lastmod: "2025-03-01 10:00:00",
      datestamp: "2024-03-10 09:00:00",
      userid: users.alice,
    }),
    welfare: record(1002, {
      type: "book_section",
      title: "Message passing in social welfare",
      abstract: "A survey that borrows graph neural networks from computing to study welfare.",
      creators: [{ name: { family: "Smith", given: "John" } }],
      keywords: "welfare; policy",
      subjects: ["HV"],
      divisions: ["kent_sss"],
      date: "2019",
      date_type: "published",
      ispublished: "inpress",
      refereed: false,
      publication: "Social Policy Review",
      lastmod: "2025-02-01 10:00:00",
      datestamp: "2019-05-01 12:00:00",
      userid: users.bob,
    }),
    cafe: record(1003, {
      type: "thesis",
      title: "Zürich café culture",
      abstract: "An ethnography of coffee houses.",
      creators: [{ name: { family: "Dupont", given: "Élodie" } }],
      keywords: "café, culture",
      subjects: ["H"],
      divisions: ["kent_chss"],
      date: "2021-06",
      date_type: "completed",
      ispublished: "unpub",
      lastmod: "2025-04-01 10:00:00",
      datestamp: "2021-07-01 00:00:00",
      userid: users.bob,
    }),
    software: record(1004, {
      type: "monograph",
      title: "Computer software in the archives",
      abstract: "Old programs, new readers.",
      creators: [{ name: { family: "Müller", given: "Bernd" } }],
      subjects: ["QA76"],
      ispublished: "unpub",
      lastmod: "2025-01-15 10:00:00",
      datestamp: "2020-01-01 00:00:00",
    }),
    phrase: record(1005, {
      type: "conference_item",
      title: "Neural networks are graph models",
      abstract: "Words in another order.",
      creators: [{ name: { family: "Lee", given: "Ann" } }],
      date: "2024-01-15",
      date_type: "published",
      ispublished: "pub",
      refereed: true,
      id_number: "doi:10.1234/PHRASE-5",
      lastmod: "2025-05-01 10:00:00",
      datestamp: "2024-02-01 00:00:00",
    }),
    networking: record(1006, {
      type: "book",
      title: "networking for beginners",
      creators: [{ name: { family: "Okafor", given: "Chidi" } }],
      date: "2022-11-30",
      date_type: "published",
      ispublished: "pub",
      refereed: false,
      lastmod: "2025-01-20 10:00:00",
      datestamp: "2022-12-01 00:00:00",
    }),
    draft: record(1007, {
      eprint_status: "inbox",
      title: "Private graph draft",
      creators: [{ name: { family: "Müller", given: "Anna-Lena" }, orcid: ORCID }],
      date: "2024",
      userid: users.alice,
      datestamp: undefined,
    }),
    retired: record(1008, {
      eprint_status: "deletion",
      title: "Withdrawn graph study",
      date: "2018",
      userid: users.bob,
    }),
    hidden: record(1009, {
      title: "Hidden graph paper",
      metadata_visibility: "no_search",
      date: "2017",
      userid: users.bob,
    }),
  };
}

export const PUBLIC_NAMES = ["gnn", "welfare", "cafe", "software", "phrase", "networking"] as const;

export async function seed(t: TestApp): Promise<Record<string, EPrint>> {
  const records = seedRecords(t.users);
  await t.services.eprints.insertBatch(Object.values(records), null);
  return records;
}
