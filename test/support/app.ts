/**
 * A real Vellum over a real PostgreSQL database of its own (cloned from the migrated
 * template), driven through HTTP with inject(). No mocks.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import { inject } from "vitest";
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from "fastify";
import { buildApp } from "../../src/app.js";
import { loadConfig, type Config } from "../../src/config.js";
import { openDatabase } from "../../src/db/index.js";
import { bootstrap, createServices, type Services } from "../../src/services.js";

export function databaseUrl(db: string): string {
  const u = new URL(inject("adminUrl"));
  u.pathname = `/${db}`;
  return u.toString();
}

/** A fresh, migrated, empty database; dropped by the returned function. */
export async function freshDatabase(): Promise<{ url: string; name: string; drop: () => Promise<void> }> {
  const name = `vellum_t_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: inject("adminUrl") });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name} TEMPLATE ${inject("template")}`);
  await admin.end();
  return {
    url: databaseUrl(name),
    name,
    async drop() {
      const c = new pg.Client({ connectionString: inject("adminUrl") });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

export interface TestApp {
  app: FastifyInstance;
  services: Services;
  config: Config;
  url: string;
  /** Users and their bearer tokens, one per role: `admin`, `editor`, `alice` and `bob` (depositors). */
  tokens: { admin: string; editor: string; alice: string; bob: string };
  users: { admin: number; editor: number; alice: number; bob: number };
  request(opts: InjectOptions & { as?: keyof TestApp["tokens"] | "anonymous" }): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

export const TEST_ENV = {
  VELLUM_BASE_URL: "https://kar.kent.ac.uk",
  VELLUM_REPO_ID: "kar",
  VELLUM_ARCHIVE_NAME: "Kent Academic Repository",
  LOG_LEVEL: "silent",
  // tests send thousands of requests from one address: limits are tested on their own
  VELLUM_RATE_LIMIT_ANONYMOUS: "0",
  VELLUM_RATE_LIMIT_TOKEN: "0",
};

export async function testApp(env: Record<string, string> = {}): Promise<TestApp> {
  const database = await freshDatabase();
  const config = loadConfig({ ...TEST_ENV, ...env, DATABASE_URL: database.url });
  const db = openDatabase(database.url, { poolSize: 5 });
  const services = await createServices(config, db);
  await bootstrap(services);
  const app = await buildApp({ services });
  await app.ready();

  const make = async (username: string, usertype: "user" | "editor" | "admin") => {
    const u = (await services.accounts.findByUsername(username)) ?? (await services.accounts.createUser({ username, usertype }));
    return { id: u.userid, token: (await services.accounts.createToken(u.userid)).token };
  };
  const admin = await make("admin", "admin");
  const editor = await make("editor", "editor");
  const alice = await make("alice", "user");
  const bob = await make("bob", "user");
  const tokens = { admin: admin.token, editor: editor.token, alice: alice.token, bob: bob.token };
  return {
    app,
    services,
    config,
    url: database.url,
    tokens,
    users: { admin: admin.id, editor: editor.id, alice: alice.id, bob: bob.id },
    request({ as, headers, ...opts }) {
      const auth = as && as !== "anonymous" ? { authorization: `Bearer ${tokens[as]}` } : {};
      return app.inject({ ...opts, headers: { ...auth, ...(headers ?? {}) } });
    },
    async close() {
      await app.close();
      await db.close();
      await database.drop();
    },
  };
}
