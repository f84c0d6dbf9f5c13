/** The README's settings table is the documentation of src/config.ts: it may not fall behind. */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

describe("README", () => {
  it("documents every setting src/config.ts reads", () => {
    const config = readFileSync("src/config.ts", "utf8");
    const readme = readFileSync("README.md", "utf8");
    const settings = [...config.matchAll(/^ {2}([A-Z][A-Z0-9_]+): /gm)].map((m) => m[1]!);
    expect(settings.length).toBeGreaterThan(15);
    expect(settings.filter((s) => !readme.includes(`\`${s}\``))).toEqual([]);
  });

  it("gives the two quick-start commands and the test command", () => {
    const readme = readFileSync("README.md", "utf8");
    const quick = readme.slice(readme.indexOf("## Quick start"), readme.indexOf("## What it serves"));
    expect(quick).toContain("npm install\nnpm start");
    expect(quick).toContain("npm test");
  });
});
