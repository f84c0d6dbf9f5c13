/**
 * The ceiling of this stack for a record read: a bare Fastify route that reads the same
 * record with one pg query and JSON.stringify, with no validation, authentication, hooks
 * or logging. Vellum's record reads are reported as a fraction of this.
 *
 * Started by bench/run.ts as a child process (BENCH_DATABASE_URL, BENCH_PORT,
 * BENCH_POOL_SIZE); it prints "listening on <url>" when ready and stops on SIGTERM.
 */
import Fastify from "fastify";
import pg from "pg";

const url = process.env.BENCH_DATABASE_URL;
if (!url) throw new Error("BENCH_DATABASE_URL is not set");
const port = Number(process.env.BENCH_PORT ?? 0);
const pool = new pg.Pool({ connectionString: url, max: Number(process.env.BENCH_POOL_SIZE ?? 10) });
pool.on("error", () => {});

const app = Fastify({ logger: false });

app.get<{ Params: { id: string } }>("/record/:id", async (req, reply) => {
  const { rows } = await pool.query("SELECT data FROM eprint WHERE eprintid = $1", [Number(req.params.id)]);
  if (!rows[0]) return reply.code(404).send();
  return reply.type("application/json; charset=utf-8").send(JSON.stringify(rows[0].data));
});

const stop = async () => {
  await app.close();
  await pool.end();
  process.exit(0);
};
process.on("SIGTERM", () => void stop());
process.on("SIGINT", () => void stop());

const address = await app.listen({ host: "127.0.0.1", port });
process.stdout.write(`baseline: listening on ${address}\n`);
