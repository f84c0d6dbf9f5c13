/**
 * Database handles: one pg Pool shared by Prisma (through its pg driver adapter) and by
 * the hot read paths that use pg directly (single-record reads, keyset streams).
 *
 * With a replica (DATABASE_REPLICA_URL) the read-only paths use `readPool`, which goes to
 * the replica, except inside `onPrimary(...)`: the HTTP layer runs authenticated API
 * requests there, so a client reads its own writes at once (a replica lags behind).
 */
import { AsyncLocalStorage } from "node:async_hooks";
import pg from "pg";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "../generated/prisma/client.js";

export type { PrismaClient };

export interface Database {
  prisma: PrismaClient;
  /** Primary: writes and read-your-own-writes. */
  pool: pg.Pool;
  /** Read-only routes; the primary when no replica is configured. */
  readPool: pg.Pool;
  close(): Promise<void>;
}

/**
 * Type parsers for Vellum's own pools (not pg's global ones, which Prisma's adapter and
 * other tools share): timestamps without time zone hold UTC, and bigint counts and change
 * sequence numbers fit in a double for any realistic repository.
 */
const types = {
  getTypeParser(oid: number, format?: string) {
    if (oid === pg.types.builtins.TIMESTAMP) return (v: string) => new Date(`${v.replace(" ", "T")}Z`);
    if (oid === pg.types.builtins.INT8) return (v: string) => Number(v);
    return pg.types.getTypeParser(oid, format as "text");
  },
} as pg.CustomTypesConfig;

const primaryScope = new AsyncLocalStorage<true>();

/** Runs `fn` (and everything it starts) with `readPool` meaning the primary. */
export function onPrimary<T>(fn: () => T): T {
  return primaryScope.run(true, fn);
}

/**
 * `readPool` when a replica is configured: the replica's pool, or the primary's inside
 * onPrimary(). The choice is made per call, so code holding `readPool` needs no change.
 */
function routedPool(primary: pg.Pool, replica: pg.Pool): pg.Pool {
  return new Proxy(replica, {
    get(target, prop) {
      const pool = primaryScope.getStore() ? primary : target;
      const value = Reflect.get(pool, prop, pool);
      return typeof value === "function" ? value.bind(pool) : value;
    },
  });
}

/**
 * Pool settings for an unreliable network and a database that restarts: a connection
 * attempt gives up after 10 s (the request then answers 503), and clients the server has
 * terminated are dropped by the pool rather than handed out again.
 */
function newPool(connectionString: string, max: number, onError: (e: Error) => void): pg.Pool {
  const pool = new pg.Pool({ connectionString, max, connectionTimeoutMillis: 10_000, keepAlive: true, types });
  // An idle client can be terminated by the server (restart, shutdown): without a listener
  // pg would crash the process.
  pool.on("error", onError);
  return pool;
}

export function openDatabase(url: string, opts: { poolSize?: number; replicaUrl?: string; onError?: (e: Error) => void } = {}): Database {
  const onError = opts.onError ?? (() => {});
  const pool = newPool(url, opts.poolSize ?? 10, onError);
  const replica = opts.replicaUrl ? newPool(opts.replicaUrl, opts.poolSize ?? 10, onError) : undefined;
  const prisma = new PrismaClient({
    adapter: new PrismaPg(pool, { disposeExternalPool: false }),
    // a write waits for a connection as long as a plain query does (pg's connection
    // timeout) instead of failing after Prisma's default 2 s when the pool is busy
    transactionOptions: { maxWait: 10_000, timeout: 30_000 },
  });
  return {
    prisma,
    pool,
    readPool: replica ? routedPool(pool, replica) : pool,
    async close() {
      await prisma.$disconnect().catch(() => {});
      await pool.end().catch(() => {});
      await replica?.end().catch(() => {});
    },
  };
}
