import { readFileSync } from "node:fs";
import { validate } from "@readme/openapi-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderOpenApi } from "../../src/openapi.js";
import { testApp, type TestApp } from "../support/app.js";

let t: TestApp;
beforeAll(async () => {
  t = await testApp();
});
afterAll(async () => t?.close());

describe("OpenAPI", () => {
  it("openapi/openapi.json is what the routes declare (run `npm run openapi` after changing a route)", async () => {
    expect(readFileSync("openapi/openapi.json", "utf8")).toBe(await renderOpenApi());
  });

  it("is a valid OpenAPI 3.1 document", async () => {
    const doc = JSON.parse(readFileSync("openapi/openapi.json", "utf8"));
    expect(doc.openapi).toBe("3.1.0");
    const result = await validate(doc);
    expect(result.valid, JSON.stringify(result)).toBe(true);
  });

  it("is served at /openapi.json, with Swagger UI at /docs", async () => {
    const doc = await t.request({ method: "GET", url: "/openapi.json" });
    expect(doc.statusCode).toBe(200);
    expect(doc.json().paths["/api/eprints"]).toBeDefined();
    const ui = await t.request({ method: "GET", url: "/docs/" });
    expect(ui.statusCode).toBe(200);
    expect(ui.body).toMatch(/swagger/i);
  });
});
