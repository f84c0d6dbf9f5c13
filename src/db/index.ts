/**
 * Database handles: one pg Pool shared by Prisma (through its pg driver adapter) and by
 * the hot read paths that use pg directly (single-record reads, keyset streams).
 */
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

export function openDatabase(url: string, opts: { poolSize?: number; replicaUrl?: string; onError?: (e: Error) => void } = {}): Database {
  const onError = opts.onError ?? (() => {});
  const pool = new pg.Pool({ connectionString: url, max: opts.poolSize ?? 10, connectionTimeoutMillis: 10_000, types });
  // An idle client can be terminated by the server (restart, shutdown): without a listener
  // pg would crash the process.
  pool.on("error", onError);
  let readPool = pool;
  if (opts.replicaUrl) {
    readPool = new pg.Pool({ connectionString: opts.replicaUrl, max: opts.poolSize ?? 10, connectionTimeoutMillis: 10_000, types });
    readPool.on("error", onError);
  }
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool, { disposeExternalPool: false }) });
  return {
    prisma,
    pool,
    readPool,
    async close() {
      await prisma.$disconnect().catch(() => {});
      await pool.end().catch(() => {});
      if (readPool !== pool) await readPool.end().catch(() => {});
    },
  };
}
