/**
 * Every setting Vellum reads, with its default (DESIGN.md rule 6). Nothing else reads
 * process.env. The README's settings table mirrors this file.
 */
import path from "node:path";
import { z } from "zod";

const bool = z
  .enum(["true", "false", "1", "0", "yes", "no", "on", "off"])
  .transform((v) => ["true", "1", "yes", "on"].includes(v));

const ConfigSchema = z.object({
  /** PostgreSQL connection string. Unset: an embedded PostgreSQL under VELLUM_DATA_DIR. */
  DATABASE_URL: z.string().url().optional(),
  /** A read replica for the read-only routes (search, exports, OAI-PMH). */
  DATABASE_REPLICA_URL: z.string().url().optional(),
  HOST: z.string().default("127.0.0.1"),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /** Public base URL, used in record URIs, OAI identifiers and links. Default: http://HOST:PORT */
  VELLUM_BASE_URL: z.string().url().optional(),
  /** EPrints repository id: BibTeX keys (`kar112479`), export file names (`kar-eprint-1.bib`). */
  VELLUM_REPO_ID: z.string().regex(/^[a-z][a-z0-9_]*$/).default("vellum"),
  VELLUM_ARCHIVE_NAME: z.string().min(1).default("Vellum Repository"),
  VELLUM_ADMIN_EMAIL: z.string().email().default("admin@example.org"),
  /** Where the embedded PostgreSQL keeps its data. */
  VELLUM_DATA_DIR: z.string().default("./.data"),
  /** Port of the embedded PostgreSQL; unset: the first free port from 5433. */
  EMBEDDED_PG_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  /** A bootstrap admin token for a fresh installation (compared in constant time). */
  VELLUM_ADMIN_TOKEN: z.string().min(16, "VELLUM_ADMIN_TOKEN must be at least 16 characters").optional(),
  /** Show ORCIDs in exports where the format has a place for them (EPrints' ORCID Support layout). */
  VELLUM_EXPORT_ORCID: bool.default(false),
  /** Put creator ids (usually e-mails) in RDF person URIs and Atom <email>, as EPrints 3.4.7 does. */
  VELLUM_EXPORT_CREATOR_IDS: bool.default(false),
  /** `safe` (default) neutralises spreadsheet formulas in CSV; `exact` is EPrints byte for byte. */
  VELLUM_CSV_FIDELITY: z.enum(["safe", "exact"]).default("safe"),
  /** Records per OAI-PMH list page (EPrints uses 100). */
  VELLUM_OAI_PAGE_SIZE: z.coerce.number().int().min(1).max(10_000).default(100),
  /** Secret that signs cursors and OAI resumption tokens; every instance must share it. */
  VELLUM_TOKEN_SECRET: z.string().min(16).optional(),
  /** Database connections per instance. */
  VELLUM_DB_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  /** Seconds in-flight requests get to finish on SIGTERM. */
  VELLUM_SHUTDOWN_GRACE: z.coerce.number().min(0).max(600).default(20),
  /** Requests a minute per client address without a token (0: no limit). */
  VELLUM_RATE_LIMIT_ANONYMOUS: z.coerce.number().int().min(0).default(600),
  /** Requests a minute per API token (0: no limit). */
  VELLUM_RATE_LIMIT_TOKEN: z.coerce.number().int().min(0).default(3000),
  /** Trust X-Forwarded-For from this many proxies in front (client addresses for rate limits and logs). */
  VELLUM_TRUST_PROXY: z.coerce.number().int().min(0).max(10).default(0),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /**
   * OAI-PMH sets, in header order: any of status, subjects, types, divisions, driver (comma
   * separated), or `none`. EPrints' default is status,subjects,types,driver; divisions is
   * Vellum's addition.
   */
  VELLUM_OAI_SETS: z
    .string()
    .transform((s) => (s.trim() === "none" ? [] : s.split(",").map((x) => x.trim()).filter(Boolean)))
    .pipe(z.array(z.enum(["status", "subjects", "types", "divisions", "driver"])).refine((a) => new Set(a).size === a.length, "a set is listed twice"))
    .default(["status", "subjects", "types", "divisions", "driver"]),
  /** Search totals are counted exactly up to this many matches; above, the planner's estimate is given and flagged. */
  VELLUM_SEARCH_EXACT_TOTAL: z.coerce.number().int().min(1).max(100_000_000).default(100_000),
});

export interface Config {
  databaseUrl?: string;
  replicaUrl?: string;
  host: string;
  port: number;
  baseUrl: string;
  repoId: string;
  archiveName: string;
  adminEmail: string;
  dataDir: string;
  embeddedPgPort?: number;
  adminToken?: string;
  exportOrcid: boolean;
  exportCreatorIds: boolean;
  csvFidelity: "safe" | "exact";
  oaiPageSize: number;
  tokenSecret?: string;
  dbPoolSize: number;
  shutdownGraceSeconds: number;
  logLevel: string;
  rateLimitAnonymous: number;
  rateLimitToken: number;
  trustProxy: number;
  oaiSets: ("status" | "subjects" | "types" | "divisions" | "driver")[];
  searchExactTotal: number;
}

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = ConfigSchema.safeParse(
    Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== "")),
  );
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n${lines.join("\n")}`);
  }
  const e = parsed.data;
  const baseUrl = (e.VELLUM_BASE_URL ?? `http://${e.HOST.includes(":") ? `[${e.HOST}]` : e.HOST}:${e.PORT}`).replace(/\/+$/, "");
  return {
    databaseUrl: e.DATABASE_URL,
    replicaUrl: e.DATABASE_REPLICA_URL,
    host: e.HOST,
    port: e.PORT,
    baseUrl,
    repoId: e.VELLUM_REPO_ID,
    archiveName: e.VELLUM_ARCHIVE_NAME,
    adminEmail: e.VELLUM_ADMIN_EMAIL,
    dataDir: path.resolve(e.VELLUM_DATA_DIR),
    embeddedPgPort: e.EMBEDDED_PG_PORT,
    adminToken: e.VELLUM_ADMIN_TOKEN,
    exportOrcid: e.VELLUM_EXPORT_ORCID,
    exportCreatorIds: e.VELLUM_EXPORT_CREATOR_IDS,
    csvFidelity: e.VELLUM_CSV_FIDELITY,
    oaiPageSize: e.VELLUM_OAI_PAGE_SIZE,
    tokenSecret: e.VELLUM_TOKEN_SECRET,
    dbPoolSize: e.VELLUM_DB_POOL_SIZE,
    shutdownGraceSeconds: e.VELLUM_SHUTDOWN_GRACE,
    rateLimitAnonymous: e.VELLUM_RATE_LIMIT_ANONYMOUS,
    rateLimitToken: e.VELLUM_RATE_LIMIT_TOKEN,
    trustProxy: e.VELLUM_TRUST_PROXY,
    logLevel: e.LOG_LEVEL,
    oaiSets: e.VELLUM_OAI_SETS,
    searchExactTotal: e.VELLUM_SEARCH_EXACT_TOTAL,
  };
}
