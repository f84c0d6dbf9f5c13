/**
 * The database shape is owned by prisma/: the SQL migrations Vellum applies must produce
 * exactly what schema.prisma describes, as Prisma's own schema engine judges it, and the
 * bookkeeping must be what `prisma migrate deploy` expects.
 */
import path from "node:path";
import { readFileSync } from "node:fs";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listMigrations, migrate } from "../../src/db/migrate.js";
import { openSchemaEngine } from "../../scripts/lib/schema-engine.js";
import { freshDatabase } from "../support/app.js";

const SCHEMA = path.resolve("prisma/schema.prisma");
let db: Awaited<ReturnType<typeof freshDatabase>>;
beforeAll(async () => {
  db = await freshDatabase(); // cloned from the template the runner migrated
});
afterAll(async () => db?.drop());

describe("migrations", () => {
  it("produce exactly the schema.prisma datamodel (Prisma's engine finds nothing to change)", async () => {
    const engine = await openSchemaEngine(db.url, SCHEMA);
    try {
      const sql = await engine.diffFromDatabaseToSchema(readFileSync(SCHEMA, "utf8"));
      expect(sql.trim()).toBe("-- This is an empty migration.");
    } finally {
      await engine.close();
    }
  });

  it("are recorded in _prisma_migrations as Prisma records them", async () => {
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    const { rows } = await c.query("SELECT migration_name, checksum, finished_at, rolled_back_at, applied_steps_count, logs FROM _prisma_migrations ORDER BY migration_name");
    await c.end();
    const onDisk = listMigrations();
    expect(rows.map((r) => r.migration_name)).toEqual(onDisk.map((m) => m.name));
    for (const [i, r] of rows.entries()) {
      expect(r.checksum).toBe(onDisk[i]!.checksum);
      expect(r.finished_at).not.toBeNull();
      expect(r.rolled_back_at).toBeNull();
      expect(r.applied_steps_count).toBe(1);
      expect(r.logs).toBeNull();
    }
  });

  it("apply nothing the second time, and run once when two instances start together", async () => {
    const other = await freshDatabase();
    try {
      // the template is already migrated: a rerun applies nothing
      expect((await migrate(other.url)).applied).toEqual([]);
      const c = new pg.Client({ connectionString: other.url });
      await c.connect();
      await c.query("DROP SCHEMA public CASCADE; CREATE SCHEMA public");
      await c.end();
      const [a, b] = await Promise.all([migrate(other.url), migrate(other.url)]);
      expect([...a.applied, ...b.applied].sort()).toEqual(listMigrations().map((m) => m.name));
    } finally {
      await other.drop();
    }
  });

  it("refuse to run over a failed migration (P3009), as Prisma does", async () => {
    const other = await freshDatabase();
    try {
      const c = new pg.Client({ connectionString: other.url });
      await c.connect();
      await c.query("INSERT INTO _prisma_migrations (id, checksum, migration_name) VALUES ('x', 'y', '99990101000000_broken')");
      await c.end();
      await expect(migrate(other.url)).rejects.toThrow(/P3009/);
    } finally {
      await other.drop();
    }
  });
});
