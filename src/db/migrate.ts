/**
 * Applies prisma/migrations/<name>/migration.sql in order and records each in
 * `_prisma_migrations` exactly as `prisma migrate deploy` does (same table, checksum,
 * bookkeeping and advisory lock), because the Prisma CLI's native engine cannot run here.
 * A real `prisma migrate deploy` elsewhere therefore sees these migrations as applied, and
 * several Vellum instances starting together apply each migration once.
 */
import { createHash, randomUUID } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";

/** Prisma's advisory lock key (schema-engine postgres flavour). */
const PRISMA_LOCK_KEY = 72707369;

export const MIGRATIONS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "prisma", "migrations");

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

export class MigrationError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(`${code}: ${message}`);
  }
}

export function listMigrations(dir = MIGRATIONS_DIR): Migration[] {
  const lock = path.join(dir, "migration_lock.toml");
  if (existsSync(lock) && !/provider\s*=\s*"postgresql"/.test(readFileSync(lock, "utf8"))) {
    throw new MigrationError("P3019", "migration_lock.toml names a provider other than postgresql");
  }
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(path.join(dir, d.name, "migration.sql")))
    .map((d) => d.name)
    .sort((a, b) => a.localeCompare(b))
    .map((name) => {
      const sql = readFileSync(path.join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    });
}

const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS _prisma_migrations (
    id                      VARCHAR(36) PRIMARY KEY NOT NULL,
    checksum                VARCHAR(64) NOT NULL,
    finished_at             TIMESTAMPTZ,
    migration_name          VARCHAR(255) NOT NULL,
    logs                    TEXT,
    rolled_back_at          TIMESTAMPTZ,
    started_at              TIMESTAMPTZ NOT NULL DEFAULT now(),
    applied_steps_count     INTEGER NOT NULL DEFAULT 0
)`;

export interface MigrateResult {
  applied: string[];
  /** Migrations whose file changed after it was applied (Prisma reports these too). */
  edited: string[];
}

export async function migrate(
  connectionString: string,
  opts: { dir?: string; log?: (msg: string) => void } = {},
): Promise<MigrateResult> {
  const log = opts.log ?? (() => {});
  const migrations = listMigrations(opts.dir);
  const client = new pg.Client({ connectionString });
  client.on("error", () => {});
  await client.connect();
  try {
    await client.query("SET lock_timeout = '10s'");
    await client.query(`SELECT pg_advisory_lock(${PRISMA_LOCK_KEY})`);
    try {
      const hasTable = (await client.query("SELECT to_regclass('_prisma_migrations') IS NOT NULL AS t")).rows[0].t as boolean;
      if (!hasTable) {
        const others = await client.query(
          "SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'",
        );
        if (others.rows[0].n > 0) {
          throw new MigrationError("P3005", "the database schema is not empty and has no migration history; baseline it first");
        }
        await client.query(CREATE_TABLE);
      }
      const failed = await client.query(
        "SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NULL AND rolled_back_at IS NULL",
      );
      if (failed.rowCount) {
        throw new MigrationError(
          "P3009",
          `failed migrations in the target database: ${failed.rows.map((r) => r.migration_name).join(", ")}; resolve them (prisma migrate resolve) before applying new ones`,
        );
      }
      const done = await client.query(
        "SELECT migration_name, checksum FROM _prisma_migrations WHERE rolled_back_at IS NULL AND finished_at IS NOT NULL",
      );
      const applied = new Map<string, string>(done.rows.map((r) => [r.migration_name, r.checksum]));
      const result: MigrateResult = { applied: [], edited: [] };
      for (const m of migrations) {
        const previous = applied.get(m.name);
        if (previous !== undefined) {
          const crlf = createHash("sha256").update(m.sql.replace(/\r?\n/g, "\r\n")).digest("hex");
          const lf = createHash("sha256").update(m.sql.replace(/\r\n/g, "\n")).digest("hex");
          if (![m.checksum, crlf, lf].includes(previous)) {
            result.edited.push(m.name);
            log(`migration ${m.name} was modified after it was applied`);
          }
          continue;
        }
        const id = randomUUID();
        await client.query("INSERT INTO _prisma_migrations (id, checksum, started_at, migration_name) VALUES ($1, $2, now(), $3)", [
          id,
          m.checksum,
          m.name,
        ]);
        try {
          // The whole script as one simple-protocol query: one implicit transaction, as Prisma sends it.
          await client.query(m.sql);
        } catch (err) {
          await client.query("UPDATE _prisma_migrations SET logs = $2 WHERE id = $1", [id, String(err)]);
          throw new MigrationError("P3018", `migration ${m.name} failed: ${(err as Error).message}`);
        }
        await client.query("UPDATE _prisma_migrations SET applied_steps_count = applied_steps_count + 1 WHERE id = $1", [id]);
        await client.query("UPDATE _prisma_migrations SET finished_at = now() WHERE id = $1", [id]);
        result.applied.push(m.name);
        log(`applied migration ${m.name}`);
      }
      return result;
    } finally {
      await client.query(`SELECT pg_advisory_unlock(${PRISMA_LOCK_KEY})`).catch(() => {});
    }
  } finally {
    await client.end().catch(() => {});
  }
}

/** For /readyz: every migration on disk is applied. */
export async function pendingMigrations(pool: pg.Pool, dir?: string): Promise<string[]> {
  const names = listMigrations(dir).map((m) => m.name);
  const has = (await pool.query("SELECT to_regclass('_prisma_migrations') IS NOT NULL AS t")).rows[0].t as boolean;
  if (!has) return names;
  const done = new Set(
    (
      await pool.query("SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL")
    ).rows.map((r) => r.migration_name as string),
  );
  return names.filter((n) => !done.has(n));
}
