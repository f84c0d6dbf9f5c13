/**
 * Shared by the OAI-PMH tests: a Vellum holding the seven EPrints example records exactly as
 * EPrints had them, requests to /cgi/oai2, offline schema validation with xmllint, and a
 * small reader for the parts of a response the tests look at.
 */
import path from "node:path";
import { expect } from "vitest";
import { testApp, type TestApp } from "../support/app.js";
import { exampleRecords, fixture } from "../support/examples.js";
import { xmllintErrors } from "../support/xmllint.js";

export const SCHEMAS = path.resolve("test/fixtures/schemas");
export const BASE = "https://kar.kent.ac.uk/cgi/oai2";
/** EPrints' configuration of the example repository. */
export const KAR_ENV = { VELLUM_ADMIN_EMAIL: "admin@kar.kent.ac.uk" };
/** EPrints' default sets (cfg.d/oai.pl): no divisions. */
export const EPRINTS_SETS = { VELLUM_OAI_SETS: "status,subjects,types,driver" };

export async function exampleApp(env: Record<string, string> = {}): Promise<TestApp> {
  const t = await testApp({ ...KAR_ENV, ...env });
  for (const r of (await exampleRecords()).values()) await t.services.eprints.putPreserved(r, null);
  return t;
}

export type Params = Record<string, string> | [string, string][];

export function query(params: Params): string {
  return new URLSearchParams(params as Record<string, string>).toString();
}

export async function oai(t: TestApp, params: Params, method: "GET" | "POST" = "GET"): Promise<string> {
  const res =
    method === "GET"
      ? await t.request({ method: "GET", url: `/cgi/oai2?${query(params)}` })
      : await t.request({
          method: "POST",
          url: "/cgi/oai2",
          headers: { "content-type": "application/x-www-form-urlencoded" },
          payload: query(params),
        });
  expect(res.statusCode, res.body).toBe(200);
  expect(res.headers["content-type"]).toBe("text/xml; charset=UTF-8");
  return res.body;
}

/** xmllint's complaints against OAI-PMH.xsd (+ oai_dc, oai-identifier), offline; "" if valid. */
export function schemaErrors(xml: string): string {
  return xmllintErrors(xml, ["--schema", `${SCHEMAS}/oai-pmh-validate.xsd`], { XML_CATALOG_FILES: `${SCHEMAS}/catalog.xml` });
}

export function expectValid(xml: string): void {
  expect(schemaErrors(xml), xml.slice(0, 2000)).toBe("");
  expect(xml).toMatch(/<responseDate>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ<\/responseDate>/);
}

/** The `(code, message)` of every error element. */
export function errorsOf(xml: string): string[] {
  return [...xml.matchAll(/<error code="([^"]+)">/g)].map((m) => m[1]!);
}

export function requestOf(xml: string): string {
  return /<request[^>]*>[^<]*<\/request>/.exec(xml)![0];
}

export interface Header {
  identifier: string;
  datestamp: string;
  deleted: boolean;
  setSpecs: string[];
}

export function headersOf(xml: string): Header[] {
  return [...xml.matchAll(/<header( status="deleted")?>([\s\S]*?)<\/header>/g)].map((m) => ({
    identifier: /<identifier>([^<]*)<\/identifier>/.exec(m[2]!)![1]!,
    datestamp: /<datestamp>([^<]*)<\/datestamp>/.exec(m[2]!)![1]!,
    deleted: !!m[1],
    setSpecs: [...m[2]!.matchAll(/<setSpec>([^<]*)<\/setSpec>/g)].map((s) => s[1]!),
  }));
}

export interface Token {
  value: string;
  expirationDate?: string;
  completeListSize?: number;
  cursor?: number;
}

export function tokenOf(xml: string): Token | undefined {
  const m = /<resumptionToken([^>]*?)(?:\/>|>([^<]*)<\/resumptionToken>)/.exec(xml);
  if (!m) return undefined;
  const attr = (n: string) => new RegExp(`${n}="([^"]*)"`).exec(m[1]!)?.[1];
  return {
    value: m[2] ?? "",
    expirationDate: attr("expirationDate"),
    completeListSize: attr("completeListSize") === undefined ? undefined : Number(attr("completeListSize")),
    cursor: attr("cursor") === undefined ? undefined : Number(attr("cursor")),
  };
}

/** EPrints' fixture and Vellum's answer, without what legitimately differs: now, expiry, the XSL PI. */
export function normalise(xml: string): string {
  return xml
    .replace(/^\uFEFF/, "")
    .replace(/<\?xml-stylesheet[^>]*\?>\n/, "")
    .replace(/<responseDate>[^<]*<\/responseDate>/, "<responseDate/>")
    .replace(/ expirationDate="[^"]*"/g, "")
    .replace(/\n+$/, "");
}

export function eprintsResponse(name: string): string {
  return fixture(`OAI-PMH/${name}`);
}
