/**
 * One PostgreSQL per test run: TEST_DATABASE_URL or DATABASE_URL when set (the role needs
 * CREATEDB), otherwise an embedded, non-durable one in a temporary directory. A template
 * database is migrated once; each test file clones it (test/support/app.ts).
 */
import { mkdtempSync, rmSync, chmodSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { migrate } from "../../src/db/migrate.js";

declare module "vitest" {
  export interface ProvidedContext {
    adminUrl: string;
    template: string;
  }
}

function withDatabase(url: string, db: string): string {
  const u = new URL(url);
  u.pathname = `/${db}`;
  return u.toString();
}

export default async function setup(project: TestProject) {
  const external = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;
  let adminUrl: string;
  let stop: () => Promise<void> = async () => {};
  if (external) {
    adminUrl = external;
  } else {
    const dir = mkdtempSync(path.join(os.tmpdir(), "vellum-test-pg-"));
    chmodSync(dir, 0o755);
    const { startEmbedded } = await import("../../src/db/embedded.js");
    const server = await startEmbedded({ dataDir: dir, ephemeral: true });
    adminUrl = server.url("postgres");
    stop = async () => {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    };
  }
  const template = `vellum_tpl_${process.pid}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${template}`);
  await admin.end();
  await migrate(withDatabase(adminUrl, template));
  project.provide("adminUrl", adminUrl);
  project.provide("template", template);

  return async () => {
    const c = new pg.Client({ connectionString: adminUrl });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`);
    await c.end();
    await stop();
  };
}
