/**
 * Process entry: read the configuration, open the database, listen, and shut down cleanly:
 * on SIGINT/SIGTERM stop accepting (new connections are refused, a request on a connection
 * already open gets 503), let in-flight requests finish within the grace period
 * (VELLUM_SHUTDOWN_GRACE) and cut what is still running at its end, close the database
 * and stop the embedded PostgreSQL. The process exits 0 when nothing had to be cut.
 */
import { buildApp } from "./app.js";
import { loadConfig } from "./config.js";
import { loggerOptions } from "./http/logging.js";
import { openRuntime } from "./runtime.js";

async function main(): Promise<void> {
  const config = loadConfig();
  const say = (msg: string) => process.stdout.write(`vellum: ${msg}\n`);
  const runtime = await openRuntime(config, say);
  const app = await buildApp({
    services: runtime.services,
    logger: config.logLevel === "silent" ? false : loggerOptions(config.logLevel),
  });
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    // The grace period is the whole budget, as a container runtime counts it before SIGKILL:
    // in-flight requests get all of it but a reserve for closing the database and exiting.
    const graceMs = config.shutdownGraceSeconds * 1000;
    const reserveMs = Math.min(1000, graceMs / 4);
    say(`${signal}: refusing new requests, finishing in-flight ones (at most ${config.shutdownGraceSeconds}s)`);
    // A keep-alive connection whose last request is done is closed at once, rather than
    // holding the shutdown until the client lets go of it.
    const reaper = setInterval(() => app.server.closeIdleConnections(), 100);
    let cut = false;
    const cutter = setTimeout(() => {
      cut = true;
      say("grace period over: cutting the requests still running");
      app.server.closeAllConnections();
    }, graceMs - reserveMs);
    const deadline = setTimeout(() => {
      say("could not stop within the grace period: exiting");
      process.exit(1);
    }, graceMs);
    for (const t of [reaper, cutter, deadline]) t.unref();
    try {
      await app.close();
      clearInterval(reaper);
      clearTimeout(cutter);
      await runtime.close();
      say(cut ? "stopped, with requests cut at the end of the grace period" : "stopped cleanly");
      process.exit(cut ? 1 : 0);
    } catch (err) {
      say(`error during shutdown: ${String(err)}`);
      process.exit(1);
    }
  };
  process.on("SIGINT", () => void shutdown("SIGINT"));
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  await app.listen({ host: config.host, port: config.port });
  say(`listening on ${config.baseUrl} (API docs: ${config.baseUrl}/docs)`);
}

main().catch((err) => {
  process.stderr.write(`vellum: failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
