/**
 * Process entry: read the configuration, open the database, listen, and shut down cleanly:
 * on SIGINT/SIGTERM stop accepting, let in-flight requests finish within the grace period,
 * close the database and stop the embedded PostgreSQL.
 */
import { buildApp } from "./app.js";
import { loadConfig } from "./config.js";
import { openRuntime } from "./runtime.js";

async function main(): Promise<void> {
  const config = loadConfig();
  const say = (msg: string) => process.stdout.write(`vellum: ${msg}\n`);
  const runtime = await openRuntime(config, say);
  const app = await buildApp({
    services: runtime.services,
    logger: config.logLevel === "silent" ? false : { level: config.logLevel, redact: ["req.headers.authorization", "req.headers.cookie"] },
  });
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    say(`${signal}: finishing in-flight requests`);
    const watchdog = setTimeout(() => {
      say(`shutdown took longer than ${config.shutdownGraceSeconds}s: exiting`);
      process.exit(1);
    }, config.shutdownGraceSeconds * 1000 + 5000);
    watchdog.unref();
    try {
      await app.close();
      await runtime.close();
      say("stopped cleanly");
      process.exit(0);
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
