/**
 * Opening the database a process runs on: DATABASE_URL when set, else the embedded
 * PostgreSQL under VELLUM_DATA_DIR; then migrations and the first-start seed.
 * Shared by the server and the command line.
 */
import type { Config } from "./config.js";
import { openDatabase, type Database } from "./db/index.js";
import { ensureDatabase, startEmbedded, type EmbeddedServer } from "./db/embedded.js";
import { migrate } from "./db/migrate.js";
import { bootstrap, createServices, type Services } from "./services.js";

export interface Runtime {
  db: Database;
  services: Services;
  embedded?: EmbeddedServer;
  close(): Promise<void>;
}

export const EMBEDDED_DATABASE = "vellum";

export async function openRuntime(config: Config, log: (msg: string) => void): Promise<Runtime> {
  let url = config.databaseUrl;
  let embedded: EmbeddedServer | undefined;
  if (!url) {
    embedded = await startEmbedded({ dataDir: config.dataDir, port: config.embeddedPgPort, log });
    await ensureDatabase(embedded.url("postgres"), EMBEDDED_DATABASE);
    url = embedded.url(EMBEDDED_DATABASE);
  }
  try {
    const { applied } = await migrate(url, { log });
    if (applied.length) log(`database migrated: ${applied.join(", ")}`);
    const db = openDatabase(url, { poolSize: config.dbPoolSize, replicaUrl: config.replicaUrl, onError: (e) => log(`database connection error: ${e.message}`) });
    const services = await createServices(config, db);
    const seeded = await bootstrap(services);
    if (seeded.subjects) log(`loaded the default subject tree (${seeded.subjects} subjects and divisions)`);
    return {
      db,
      services,
      embedded,
      async close() {
        await db.close();
        await embedded?.stop();
      },
    };
  } catch (err) {
    await embedded?.stop();
    throw err;
  }
}
