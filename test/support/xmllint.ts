/**
 * Checks XML with libxml2's xmllint, a parser Vellum did not write. Fragments that use a
 * prefix declared by an enclosing document (OAI payloads use `xsi:` from the OAI-PMH root)
 * are checked inside a wrapper that declares it.
 */
import path from "node:path";
import { execFileSync } from "node:child_process";

export const XSI_NS = "http://www.w3.org/2001/XMLSchema-instance";

/** Returns xmllint's complaints, or "" when the document is well-formed. */
export function xmllintErrors(xml: string, args: string[] = [], env: Record<string, string> = {}): string {
  try {
    execFileSync("xmllint", ["--noout", "--nonet", ...args, "-"], {
      input: xml,
      stdio: ["pipe", "pipe", "pipe"],
      env: { ...process.env, ...env },
    });
    return "";
  } catch (e) {
    const err = e as { stderr?: Buffer; message: string };
    return err.stderr?.toString() || err.message;
  }
}

/** An OAI `<metadata>` payload as it sits in the response: inside a root that declares xsi. */
export function inOaiEnvelope(payload: string): string {
  return `<metadata xmlns:xsi="${XSI_NS}">${payload}</metadata>`;
}

const SCHEMAS = path.resolve("test/fixtures/schemas");

/** Validates an `oai_dc:dc` document against the official oai_dc schema, offline. */
export function oaiDcSchemaErrors(xml: string): string {
  return xmllintErrors(xml, ["--schema", `${SCHEMAS}/oai_dc.xsd`], { XML_CATALOG_FILES: `${SCHEMAS}/catalog.xml` });
}
