/**
 * The domain services one Vellum instance runs on, built once at start-up (this is where the
 * I/O of construction happens, so buildApp can stay free of it).
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Accounts } from "./accounts/accounts.js";
import type { Config } from "./config.js";
import type { Database } from "./db/index.js";
import type { FormatContext } from "./formats/types.js";
import { TokenSigner, installationSecret } from "./records/cursor.js";
import { EPrintStore } from "./records/store.js";
import { SubjectStore } from "./records/subject-store.js";

export interface Services {
  config: Config;
  db: Database;
  accounts: Accounts;
  subjects: SubjectStore;
  eprints: EPrintStore;
  signer: TokenSigner;
  /** The format context for the current subject tree. */
  formatContext(): Promise<FormatContext>;
}

export const DEFAULT_SUBJECTS_FILE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "src", "data", "default-subjects.xml");

export function defaultSubjectsXml(): string {
  return readFileSync(DEFAULT_SUBJECTS_FILE, "utf8");
}

export async function createServices(config: Config, db: Database): Promise<Services> {
  const signer = new TokenSigner(await installationSecret(db.pool, config.tokenSecret));
  const subjects = new SubjectStore(db);
  const accounts = new Accounts(db, config.adminToken);
  const eprints = new EPrintStore(db, subjects, signer);
  const host = new URL(config.baseUrl).hostname;
  return {
    config,
    db,
    accounts,
    subjects,
    eprints,
    signer,
    async formatContext() {
      return {
        repo: { baseUrl: config.baseUrl, repoId: config.repoId, archiveName: config.archiveName, host, adminEmail: config.adminEmail },
        subjects: await subjects.current(),
        options: { exportOrcid: config.exportOrcid, exportCreatorIds: config.exportCreatorIds, csvFidelity: config.csvFidelity },
        now: () => new Date(),
      };
    },
  };
}

/** First start of an empty database: the default subject tree and the `admin` user. */
export async function bootstrap(services: Services): Promise<{ subjects: number }> {
  const subjects = await services.subjects.seedIfEmpty(defaultSubjectsXml);
  await services.accounts.ensureAdminUser();
  return { subjects };
}
