/** Liveness and readiness probes. */
import type { FastifyInstance } from "fastify";
import { pendingMigrations } from "../../db/migrate.js";
import type { Services } from "../../services.js";
import { problems } from "../../errors.js";

export function healthRoutes(app: FastifyInstance, { services }: { services: Services }): void {
  app.get("/healthz", { schema: { tags: ["health"], summary: "The process is up" } }, async () => ({ status: "ok" }));
  app.get("/readyz", { schema: { tags: ["health"], summary: "The database is reachable and fully migrated" } }, async () => {
    let pending: string[];
    try {
      pending = await pendingMigrations(services.db.pool);
    } catch {
      throw problems.unavailable("the database is unreachable");
    }
    if (pending.length) throw problems.unavailable(`migrations not applied: ${pending.join(", ")}`);
    return { status: "ready" };
  });
}
