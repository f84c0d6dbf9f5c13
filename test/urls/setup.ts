/**
 * A test app holding the seven EPrints example records as EPrints had them (113 retired),
 * user 2 named as in the examples (Rosalyn Bass deposited every record), and helpers.
 */
import { exampleRecords } from "../support/examples.js";
import { testApp, type TestApp } from "../support/app.js";
import type { EPrint } from "../../src/records/schema.js";

export const BASE = "https://kar.kent.ac.uk";

export async function urlsApp(): Promise<{ t: TestApp; records: Map<number, EPrint> }> {
  const t = await testApp();
  const records = await exampleRecords();
  for (const r of records.values()) await t.services.eprints.putPreserved(r, null);
  await t.services.db.pool.query(`UPDATE "user" SET name = $1 WHERE userid = 2`, [JSON.stringify({ family: "Bass", given: "Rosalyn" })]);
  return { t, records };
}

/** An absolute Vellum URL as a path inject() can request. */
export function local(url: string): string {
  return url.startsWith(BASE) ? url.slice(BASE.length) : url;
}
