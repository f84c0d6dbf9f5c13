import { describe, expect, it } from "vitest";
import { TagTable } from "../../src/formats/bibliographic.js";
import { makeNameString as nameString } from "../../src/formats/render.js";

describe("nameString (EPrints::Utils::make_name_string)", () => {
  it("family first and given first", () => {
    expect(nameString({ family: "Doe", given: "Jane" }, false)).toBe("Doe, Jane");
    expect(nameString({ family: "Doe", given: "Jane" }, true)).toBe("Jane Doe");
  });
  it("honourific goes before the given name, lineage after the family name", () => {
    const n = { family: "King", given: "Martin Luther", lineage: "Jr", honourific: "Rev" };
    expect(nameString(n, false)).toBe("King Jr, Rev Martin Luther");
    expect(nameString(n, true)).toBe("Rev Martin Luther King Jr");
  });
  it("one half alone has no comma", () => {
    expect(nameString({ family: "Plato" }, false)).toBe("Plato");
    expect(nameString({ given: "Madonna" }, true)).toBe("Madonna");
    expect(nameString({ given: "Ann", lineage: "III" }, false)).toBe("III, Ann");
  });
  it("an honourific without a given name keeps its trailing space, as EPrints writes it", () => {
    expect(nameString({ family: "Smith", honourific: "Dr" }, false)).toBe("Smith, Dr ");
  });
  it('Perl truth: a half that is "0" counts as empty when joining', () => {
    expect(nameString({ family: "0", given: "Ann" }, false)).toBe("Ann0");
  });
});

describe("TagTable", () => {
  it("set replaces, add appends, unset values are skipped, output follows the given order", () => {
    const t = new TagTable(["B", "A"] as const);
    t.set("A", "first");
    t.set("A", "second");
    t.set("A", undefined);
    t.add("B", "x");
    t.add("B", "");
    t.add("B", undefined);
    t.set("B", "");
    expect(t.entries()).toEqual([["B", "x"], ["B", ""], ["A", "second"]]);
  });
});
