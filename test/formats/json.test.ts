import { execFileSync } from "node:child_process";
import { beforeAll, describe, expect, it } from "vitest";
import { eprintJson, jsString, jsonFormat, jsonpCallback, perlNumber, wrapJsonp } from "../../src/formats/json.js";
import { EPRINT_FIELDS } from "../../src/records/fields.js";
import { EPrintSchema, type EPrint } from "../../src/records/schema.js";
import type { FormatContext } from "../../src/formats/types.js";
import { EXAMPLE_IDS, LIST_EXAMPLE_IDS, exampleContext, exampleRecords, fixture } from "../support/examples.js";

let records: Map<number, EPrint>;
let ctx: FormatContext;
beforeAll(async () => {
  records = await exampleRecords();
  ctx = await exampleContext();
});

const asList = (...rs: EPrint[]) => {
  const l = jsonFormat.list!;
  return l.head(ctx) + rs.map((r, i) => l.item(r, ctx, i)).join("") + l.tail(ctx, rs.length);
};

/**
 * EPrints' JSON with the entries of every object sorted by key, every line otherwise kept
 * byte for byte (commas moved to the new last entry). EPrints' key order is Perl hash
 * order, so the examples and Vellum can only be compared after this; everything else
 * (indentation, escaping, number forms, the text around the records) is still compared.
 * It relies on EPrints' layout: a container opens at the end of a line and closes on a
 * line of its own, and strings never hold a raw newline.
 */
function sortKeys(text: string): string {
  const lines = text.split("\n");
  let i = 0;
  const keyOf = (block: string[]) => /^\s*"([^"]+)":/.exec(block[0]!)?.[1] ?? "";
  const value = (): string[] => {
    const first = lines[i++]!.replace(/,$/, "");
    if (!/[[{]$/.test(first)) return [first];
    const items: string[][] = [];
    while (!/^\s*[\]}],?$/.test(lines[i]!)) items.push(value());
    const close = lines[i++]!.replace(/,$/, "");
    if (first.endsWith("{")) items.sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0));
    const body = items.flatMap((block, n) => (n < items.length - 1 ? [...block.slice(0, -1), `${block.at(-1)},`] : block));
    return [first, ...body, close];
  };
  const out = value();
  return [...out, ...lines.slice(i)].join("\n");
}

/**
 * EPrints' example 102 shows its e-mail leak (REFERENCE.md §8.4): creators after the 21st
 * keep their `id`. Vellum never writes it, so it is taken out of the example before comparing.
 */
const PERSONS = ["creators", "editors", "contributors"];
function withoutIds(data: unknown): unknown {
  const strip = (r: Record<string, unknown>) => {
    for (const f of PERSONS) if (Array.isArray(r[f])) r[f] = (r[f] as Record<string, unknown>[]).map(({ id: _id, ...rest }) => rest);
    return r;
  };
  return Array.isArray(data) ? data.map(strip) : strip(data as Record<string, unknown>);
}
/** The same on sorted text: `id` sorts before `name`, so its line always ends with a comma. */
const withoutIdLines = (sorted: string) => sorted.replace(/^ {10}"id": [^\n]*,\n/gm, "");

/** Top-level keys of each record in the order they were written. */
const keyOrder = (json: string) => Object.keys(JSON.parse(json) as object);

describe("JSON export of the EPrints examples", () => {
  it.each(EXAMPLE_IDS)("record %i: same data as EPrints' single export (parsed, deep equality)", (id) => {
    expect(JSON.parse(jsonFormat.serialize(records.get(id)!, ctx))).toEqual(withoutIds(JSON.parse(fixture(`JSON/single/${id}.js`))));
  });

  it.each(EXAMPLE_IDS)("record %i: same bytes as EPrints' single export once keys are put in one order", (id) => {
    const mine = jsonFormat.serialize(records.get(id)!, ctx);
    const theirs = fixture(`JSON/single/${id}.js`);
    expect(sortKeys(mine)).toBe(withoutIdLines(sortKeys(theirs)));
    expect(mine.endsWith("    }")).toBe(true); // no trailing newline for one record
  });

  it.each(LIST_EXAMPLE_IDS)("record %i as a one-record list: EPrints' list bytes once keys are sorted", (id) => {
    const mine = asList(records.get(id)!);
    const theirs = fixture(`JSON/list/${id}.js`);
    expect(JSON.parse(mine)).toEqual(withoutIds(JSON.parse(theirs)));
    expect(sortKeys(mine)).toBe(withoutIdLines(sortKeys(theirs)));
    expect(mine.startsWith("[\n    {\n")).toBe(true);
    expect(mine.endsWith("\n    }\n]\n\n")).toBe(true);
  });

  it.each(EXAMPLE_IDS)("record %i: keys in dataset field order, uri last", (id) => {
    const keys = keyOrder(jsonFormat.serialize(records.get(id)!, ctx));
    expect(keys.at(-1)).toBe("uri");
    const order = EPRINT_FIELDS.map((f) => f.name);
    const positions = keys.slice(0, -1).map((k) => order.indexOf(k));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
  });

  it("the leak in example 102 is what is taken out: the ids of creators 22 to 35", () => {
    const theirs = sortKeys(fixture("JSON/single/102.js"));
    expect(theirs.split("\n").length - withoutIdLines(theirs).split("\n").length).toBe(14);
    const creators = (JSON.parse(fixture("JSON/single/102.js")) as { creators: object[] }).creators;
    expect(creators.findIndex((c) => "id" in c)).toBe(21);
  });

  it("a list of several records joins them with ,\\n", () => {
    const text = asList(records.get(101)!, records.get(102)!);
    expect(text).toBe(`[\n${eprintJson(records.get(101)!, ctx)},\n${eprintJson(records.get(102)!, ctx)}\n]\n\n`);
    expect(JSON.parse(text)).toHaveLength(2);
  });

  it("an empty list is what EPrints writes for no records", () => {
    expect(asList()).toBe("[\n\n]\n\n");
  });
});

describe("JSON export of constructed records", () => {
  const base = {
    eprintid: 7,
    rev_number: 3,
    eprint_status: "archive",
    dir: "disk0/00/00/00/07",
    lastmod: "2024-04-02 09:15:33",
    type: "thesis",
  } as const;
  const make = (extra: Record<string, unknown>) => EPrintSchema.parse({ ...base, ...extra });

  it("writes EPrints' layout for names, compounds and numbers (a full record, byte for byte)", () => {
    const r = make({
      creators: [{ name: { family: "King", given: "Martin Luther", lineage: "Jr.", honourific: "Dr" }, id: "mlk@example.org" }],
      subjects: ["0042", "QA75"],
      volume: "007",
      related_url: [{ url: "https://example.org/a" }],
      refereed: true,
      gscholar: { cluster: "12345678901234567890123" },
    });
    expect(jsonFormat.serialize(r, ctx)).toBe(
      [
        "    {",
        '      "eprintid": 7,',
        '      "rev_number": 3,',
        '      "eprint_status": "archive",',
        '      "dir": "disk0/00/00/00/07",',
        '      "lastmod": "2024-04-02 09:15:33",',
        '      "type": "thesis",',
        '      "creators": [',
        "        {",
        '          "name": {',
        '            "family": "King",',
        '            "given": "Martin Luther",',
        '            "lineage": "Jr.",',
        '            "honourific": "Dr"',
        "          }",
        "        }",
        "      ],",
        '      "subjects": [',
        "        42,",
        '        "QA75"',
        "      ],",
        '      "volume": 7,',
        '      "refereed": "TRUE",',
        '      "related_url": [',
        "        {",
        '          "url": "https://example.org/a",',
        '          "type": null',
        "        }",
        "      ],",
        '      "gscholar": {',
        '        "impact": null,',
        '        "cluster": 1.23456789012346e+22,',
        '        "datestamp": null',
        "      },",
        '      "uri": "https://kar.kent.ac.uk/id/eprint/7"',
        "    }",
      ].join("\n"),
    );
  });

  it("missing name parts are null; the id sub-field is never written", () => {
    const r = make({ editors: [{ name: { family: "Prince" }, id: "p@example.org", orcid: "0000-0002-1825-0097" }] });
    const out = JSON.parse(jsonFormat.serialize(r, ctx));
    expect(out.editors).toEqual([{ name: { family: "Prince", given: null, lineage: null, honourific: null } }]);
  });

  it("ORCIDs appear in person compounds when switched on (null where absent)", () => {
    const on = { ...ctx, options: { ...ctx.options, exportOrcid: true } };
    const r = make({
      creators: [{ name: { family: "A" }, orcid: "0000-0002-1825-0097" }, { name: { family: "B" } }],
    });
    expect(JSON.parse(jsonFormat.serialize(r, on)).creators).toEqual([
      { name: { family: "A", given: null, lineage: null, honourific: null }, orcid: "0000-0002-1825-0097" },
      { name: { family: "B", given: null, lineage: null, honourific: null }, orcid: null },
    ]);
  });

  it("a long creator list keeps every creator and leaks no id (EPrints leaks from about the 20th)", () => {
    const creators = Array.from({ length: 40 }, (_, i) => ({ name: { family: `F${i}`, given: `G${i}` }, id: `p${i}@example.ac.uk` }));
    const text = jsonFormat.serialize(make({ creators }), ctx);
    expect(text).not.toContain("example.ac.uk");
    const out = JSON.parse(text);
    expect(out.creators).toHaveLength(40);
    expect(out.creators[39]).toEqual({ name: { family: "F39", given: "G39", lineage: null, honourific: null } });
  });

  it("a compound whose exported sub-fields are all unset is left out, as EPrints' is_set does", () => {
    const out = JSON.parse(jsonFormat.serialize(make({ creators: [] as unknown[], related_url: [{}] }), ctx));
    expect(out).not.toHaveProperty("creators");
    expect(out).not.toHaveProperty("related_url");
  });

  it("numbers with leading zeros lose them, as in EPrints (documented, kept for fidelity)", () => {
    const r = make({ subjects: ["0042"], number: "000123", isbn: "9781784712345", pages: 0, date: "2024" });
    const out = JSON.parse(jsonFormat.serialize(r, ctx));
    expect(out).toMatchObject({ subjects: [42], number: 123, isbn: 9781784712345, pages: 0, date: 2024 });
  });

  it("a value Perl would print as Inf stays a string, so the output is still JSON (divergence)", () => {
    const text = jsonFormat.serialize(make({ volume: "1e400", number: "1e308" }), ctx);
    expect(text).toContain('"volume": "1e400",');
    expect(text).toContain('"number": 1e+308,');
    expect(() => JSON.parse(text)).not.toThrow();
  });

  it("escapes strings as JSON->new->ascii: non-ASCII as \\uXXXX, astral as surrogate pairs, / unescaped", () => {
    const r = make({
      title: 'Łódź "quoted" \\ back/slash\ttab\nline \u0001 \u2028 😀 \uFEFF',
      keywords: "<script>&</script>",
    });
    const text = jsonFormat.serialize(r, ctx);
    expect(text).toContain(
      '"title": "\\u0141\\u00f3d\\u017a \\"quoted\\" \\\\ back/slash\\ttab\\nline \\u0001 \\u2028 \\ud83d\\ude00 \\ufeff",',
    );
    expect(text).toContain('"keywords": "<script>&</script>",');
    expect(/[^\x00-\x7f]/.test(text)).toBe(false);
    expect(JSON.parse(text).title).toBe(r.title);
  });
});

/** `$s + 0` as perl 5.36 (x86_64) prints it, for strings matching EPrints' numeric pattern. */
const PERL_NUMBERS: [string, string][] = [
  ["0", "0"],
  ["0042", "42"],
  ["-0", "0"],
  ["007", "7"],
  ["-5", "-5"],
  ["1.50", "1.5"],
  ["1.0", "1"],
  ["-0.0", "0"],
  [".5", "0.5"],
  ["-.5", "-0.5"],
  ["00.5", "0.5"],
  ["12.50", "12.5"],
  ["0.1", "0.1"],
  ["0.30000000000000004", "0.3"],
  ["3.14159265358979323", "3.14159265358979"],
  ["123456.7890123456789", "123456.789012346"],
  ["1000000000000000.5", "1e+15"],
  ["-1000000000000000.5", "-1e+15"],
  ["4503599627370497.5", "4.5035996273705e+15"],
  ["12345678901234567.5", "1.23456789012346e+16"],
  ["9007199254740993", "9007199254740993"],
  ["9007199254740993.0", "9.00719925474099e+15"],
  ["12345678901234567890", "12345678901234567890"],
  ["18446744073709551615", "18446744073709551615"],
  ["18446744073709551616", "1.84467440737096e+19"],
  ["99999999999999999999", "1e+20"],
  ["-9223372036854775808", "-9223372036854775808"],
  ["-9223372036854775809", "-9.22337203685478e+18"],
  ["-9223372036854775808.0", "-9.22337203685478e+18"],
  ["18446744073709551615.0", "1.84467440737096e+19"],
  ["1e5", "100000"],
  ["1E3", "1000"],
  ["1e15", "1000000000000000"],
  ["1e16", "10000000000000000"],
  ["-1e16", "-10000000000000000"],
  ["1.5e19", "15000000000000000000"],
  ["9.223372036854775808e18", "9223372036854775808"],
  ["-9.223372036854775808e18", "-9223372036854775808"],
  ["1.8446744073709550e19", "18446744073709549568"],
  ["1.8446744073709552e19", "1.84467440737096e+19"],
  ["1e21", "1e+21"],
  ["1e-5", "1e-05"],
  ["0.0001", "0.0001"],
  ["0.000001", "1e-06"],
  ["1e308", "1e+308"],
  ["5e-324", "4.94065645841247e-324"],
  ["2.5e-320", "2.49997216795671e-320"],
  ["-1e-400", "0"],
  ["0e5", "0"],
  ["0.1e1", "1"],
  ["-1.5e0", "-1.5"],
  ["0000000000000000000000042", "42"],
];

const hasPerl = (() => {
  try {
    execFileSync("perl", ["-MJSON", "-e", "1"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();

describe("Perl's number and string forms", () => {
  it.each(PERL_NUMBERS)("perlNumber(%s) is %s", (input, printed) => {
    expect(perlNumber(input)).toBe(printed);
  });

  it("Inf is reported, not printed", () => {
    expect(perlNumber("1e400")).toBeUndefined();
    expect(perlNumber("-1e400")).toBeUndefined();
  });

  const strings = ["Müller", "a/b", "tab\there", "line\nbreak\r", 'q " and \\', "ctrl \u0001\u001f\u007f", "\u2028\u2029", "emoji 😀", "\uFEFFbom"];

  it.skipIf(!hasPerl)("agrees with the local perl for numbers and with its JSON module for strings", () => {
    const script = 'binmode STDIN, ":utf8"; local $/; my @v = split /\\x{0}/, <STDIN>; my $n = shift @v; ' +
      'print join("\\x{0}", (map { $_ + 0 } @v[0..$n-1]), (map { JSON->new->ascii->allow_nonref->encode($_) } @v[$n..$#v]));';
    const numbers = PERL_NUMBERS.map(([s]) => s);
    const input = [String(numbers.length), ...numbers, ...strings].join("\u0000");
    const out = execFileSync("perl", ["-MJSON", "-e", script], { input }).toString("utf8").split("\u0000");
    expect(out.slice(0, numbers.length)).toEqual(numbers.map((s) => perlNumber(s)));
    expect(out.slice(numbers.length)).toEqual(strings.map(jsString));
  });

  it("js_string: the empty string is null", () => {
    expect(jsString("")).toBe("null");
  });
});

describe("JSONP", () => {
  it("wraps a body as name( … );\\n, keeping only = letters digits _ in the name", () => {
    expect(wrapJsonp("[\n]\n\n", jsonpCallback({ callback: "jQuery.cb<script>_1" }))).toBe("jQuerycbscript_1([\n]\n\n);\n");
    expect(wrapJsonp('    {\n      "a": 1\n    }', jsonpCallback({ callback: "f" }))).toBe('f(    {\n      "a": 1\n    });\n');
  });

  it("takes json, then jsonp, then callback, by Perl truth; none means no wrapping", () => {
    expect(jsonpCallback({ json: "a", jsonp: "b", callback: "c" })).toBe("a");
    expect(jsonpCallback({ json: "0", jsonp: "", callback: "c" })).toBe("c");
    expect(jsonpCallback({ jsonp: "b", callback: "c" })).toBe("b");
    expect(jsonpCallback({ callback: "0" })).toBe("0");
    expect(jsonpCallback({ json: "0" })).toBeUndefined();
    expect(jsonpCallback({ callback: "" })).toBeUndefined();
    expect(jsonpCallback({})).toBeUndefined();
    expect(wrapJsonp("x", undefined)).toBe("x");
  });

  it("a name that is stripped to nothing still wraps, as in EPrints: (…);", () => {
    expect(wrapJsonp("1", jsonpCallback({ callback: "<>" }))).toBe("(1);\n");
  });
});
