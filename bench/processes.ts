/**
 * The processes a benchmark run drives: a fresh database (an embedded PostgreSQL in a
 * temporary directory, or a new database on DATABASE_URL's server), Vellum as a child
 * process (so its memory is its own and can be read from /proc), the bare-stack baseline
 * server, and the probe that reads a process's peak resident memory.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { ensureDatabase, startEmbedded } from "../src/db/embedded.js";
import { freePort } from "../src/db/embedded.js";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

export interface BenchDatabase {
  url: string;
  /** "embedded PostgreSQL 17.x" or "server at host:port" */
  description: string;
  close(): Promise<void>;
}

async function serverVersion(url: string): Promise<string> {
  const c = new pg.Client({ connectionString: url });
  c.on("error", () => {});
  await c.connect();
  try {
    return (await c.query("SHOW server_version")).rows[0].server_version as string;
  } finally {
    await c.end();
  }
}

/** A database nobody else uses: dropped (or its whole server removed) by close(). */
export async function openBenchDatabase(databaseUrl: string | undefined, log: (s: string) => void): Promise<BenchDatabase> {
  const name = `vellum_bench_${Date.now().toString(36)}_${randomBytes(3).toString("hex")}`;
  if (databaseUrl) {
    const admin = new URL(databaseUrl);
    await ensureDatabase(admin.toString(), name);
    const url = new URL(databaseUrl);
    url.pathname = `/${name}`;
    const version = await serverVersion(url.toString());
    return {
      url: url.toString(),
      description: `PostgreSQL ${version} at ${admin.hostname}:${admin.port || 5432} (database ${name})`,
      async close() {
        const c = new pg.Client({ connectionString: admin.toString() });
        c.on("error", () => {});
        await c.connect();
        try {
          await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
        } finally {
          await c.end();
        }
      },
    };
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), "vellum-bench-"));
  chmodSync(dir, 0o755);
  const server = await startEmbedded({ dataDir: dir, log });
  try {
    await ensureDatabase(server.url("postgres"), "vellum_bench");
  } catch (err) {
    await server.stop();
    throw err;
  }
  const url = server.url("vellum_bench");
  const version = await serverVersion(url);
  return {
    url,
    description: `embedded PostgreSQL ${version} (port ${server.port}, ${dir})`,
    async close() {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}


export interface Child {
  pid: number;
  baseUrl: string;
  process: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

/** Starts `args` under node and waits for "listening on <url>" on its output. */
async function startChild(label: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs = 120_000): Promise<Child> {
  const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  // keep only the tail: a long run must not grow this without bound
  const keep = (d: Buffer) => {
    out += d.toString();
    if (out.length > 64_000) out = out.slice(-32_000);
  };
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const baseUrl = await new Promise<string>((resolve, reject) => {
    const timer = setInterval(() => {
      const m = /listening on (http:\/\/[^\s)]+)/.exec(out);
      if (m) {
        cleanup();
        resolve(m[1]!);
      }
    }, 25);
    const deadline = setTimeout(() => {
      cleanup();
      child.kill("SIGKILL");
      reject(new Error(`${label} did not start within ${timeoutMs / 1000} s:\n${out.slice(-4000)}`));
    }, timeoutMs);
    const onExit = () => {
      cleanup();
      reject(new Error(`${label} exited before listening:\n${out.slice(-4000)}`));
    };
    const cleanup = () => {
      clearInterval(timer);
      clearTimeout(deadline);
      child.off("exit", onExit);
    };
    child.once("exit", onExit);
  });
  return {
    pid: child.pid!,
    baseUrl,
    process: child,
    output: () => out,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const killer = setTimeout(() => child.kill("SIGKILL"), 30_000);
      await exited;
      clearTimeout(killer);
    },
  };
}

export type ServerMode = "tsx" | "dist";

export interface VellumOptions {
  databaseUrl: string;
  adminToken: string;
  mode: ServerMode;
  logLevel: string;
  dataDir: string;
  /** extra node flags, e.g. --cpu-prof for a profile of a run */
  nodeArgs?: string[];
}

/** Vellum as `npm start` runs it (dist) or as a developer does (tsx), on the bench database. */
export async function startVellum(opts: VellumOptions): Promise<Child> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: opts.databaseUrl,
    HOST: "127.0.0.1",
    PORT: String(port),
    VELLUM_BASE_URL: `http://127.0.0.1:${port}`,
    VELLUM_ADMIN_TOKEN: opts.adminToken,
    VELLUM_DATA_DIR: opts.dataDir,
    LOG_LEVEL: opts.logLevel,
    // one client at 127.0.0.1 sends all the load: the limiter runs (its cost is measured) but never refuses
    VELLUM_RATE_LIMIT_ANONYMOUS: "1000000000",
    VELLUM_RATE_LIMIT_TOKEN: "1000000000",
  };
  delete env.DATABASE_REPLICA_URL;
  delete env.EMBEDDED_PG_PORT;
  const args = opts.mode === "dist" ? ["dist/server.js"] : ["--import", "tsx", "src/server.ts"];
  return startChild("vellum", [...(opts.nodeArgs ?? []), ...args], env);
}

/** The bare Fastify + pg route the record reads are compared with. */
export async function startBaseline(databaseUrl: string, poolSize: number): Promise<Child> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env, BENCH_DATABASE_URL: databaseUrl, BENCH_PORT: String(port), BENCH_POOL_SIZE: String(poolSize) };
  // under tsx, as Vellum is by default: once loaded, the code runs as plain JavaScript either way
  return startChild("baseline", ["--import", "tsx", "bench/baseline-server.ts"], env, 60_000);
}

function statusValue(pid: number, key: string): number | undefined {
  try {
    const m = new RegExp(`^${key}:\\s+(\\d+) kB`, "m").exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Peak resident memory of a process over a stretch of work. On Linux the kernel's own peak
 * (VmHWM) is reset at the start (writing 5 to /proc/PID/clear_refs), so nothing between
 * samples is missed; VmRSS is also sampled every 20 ms, which is the whole answer where the
 * reset is not allowed. Undefined where /proc does not exist.
 */
export class RssProbe {
  private sampled = 0;
  private timer: NodeJS.Timeout | undefined;
  private hwmReset = false;
  private started = 0;
  /** [milliseconds since start, bytes], every 250 ms: does memory level off or keep growing? */
  timeline: [number, number][] = [];

  constructor(private readonly pid: number) {}

  start(): void {
    this.stop();
    try {
      writeFileSync(`/proc/${this.pid}/clear_refs`, "5");
      this.hwmReset = true;
    } catch {
      this.hwmReset = false;
    }
    this.sampled = statusValue(this.pid, "VmRSS") ?? 0;
    this.started = performance.now();
    this.timeline = [[0, this.sampled]];
    this.timer = setInterval(() => {
      const rss = statusValue(this.pid, "VmRSS");
      if (!rss) return;
      if (rss > this.sampled) this.sampled = rss;
      const t = Math.round(performance.now() - this.started);
      if (t - this.timeline[this.timeline.length - 1]![0] >= 250) this.timeline.push([t, rss]);
    }, 20);
    this.timer.unref();
  }

  /** Stops sampling and returns the peak in bytes. */
  stop(): number | undefined {
    if (!this.timer) return undefined;
    clearInterval(this.timer);
    this.timer = undefined;
    const hwm = this.hwmReset ? statusValue(this.pid, "VmHWM") : undefined;
    const peak = Math.max(hwm ?? 0, this.sampled);
    return peak || undefined;
  }

  current(): number | undefined {
    return statusValue(this.pid, "VmRSS");
  }
}

/**
 * Waits until the database has no statement running but this one's: a load run abandons the
 * requests in flight when it ends, and their queries must not run into the next
 * measurement. Bounded: after `maxSeconds` it gives up and says so.
 */
export class Quiet {
  private client: pg.Client | undefined;
  constructor(private readonly url: string) {}

  async wait(maxSeconds = 120): Promise<{ waitedMs: number; settled: boolean }> {
    if (!this.client) {
      this.client = new pg.Client({ connectionString: this.url });
      this.client.on("error", () => {});
      await this.client.connect();
    }
    const started = performance.now();
    let calm = 0;
    while (performance.now() - started < maxSeconds * 1000) {
      const { rows } = await this.client.query(
        "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend' AND state NOT IN ('idle')",
      );
      calm = rows[0].n === 0 ? calm + 1 : 0;
      // two quiet looks 50 ms apart: nothing was between two statements of one request
      if (calm >= 2) return { waitedMs: performance.now() - started, settled: true };
      await new Promise((r) => setTimeout(r, 50));
    }
    return { waitedMs: performance.now() - started, settled: false };
  }

  async close(): Promise<void> {
    await this.client?.end().catch(() => {});
    this.client = undefined;
  }
}
