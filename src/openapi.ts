/**
 * The OpenAPI document, rendered from the route schemas without a database (the pool is
 * created but never connects). `npm run openapi` writes it to openapi/openapi.json and a
 * test fails when that file drifts from the code.
 */
import { buildApp } from "./app.js";
import { loadConfig } from "./config.js";
import { openDatabase } from "./db/index.js";
import { Accounts } from "./accounts/accounts.js";
import { TokenSigner } from "./records/cursor.js";
import { EPrintStore } from "./records/store.js";
import { SubjectStore } from "./records/subject-store.js";
import type { Services } from "./services.js";

export async function renderOpenApi(): Promise<string> {
  const config = loadConfig({ DATABASE_URL: "postgresql://unused@127.0.0.1:1/unused", LOG_LEVEL: "silent" });
  const db = openDatabase(config.databaseUrl!);
  const signer = new TokenSigner("openapi");
  const subjects = new SubjectStore(db);
  const services: Services = {
    config,
    db,
    signer,
    subjects,
    accounts: new Accounts(db),
    eprints: new EPrintStore(db, subjects, signer),
    formatContext: () => Promise.reject(new Error("no database")),
  };
  const app = await buildApp({ services });
  await app.ready();
  const doc = app.swagger();
  await app.close();
  await db.close();
  return `${JSON.stringify(doc, null, 2)}\n`;
}
