/**
 * Which database a request reads from when a replica is configured (DATABASE_REPLICA_URL).
 * The read-only paths (search and lists, exports, OAI-PMH, the REST and EPrints URLs, the
 * abstract page) read through `db.readPool`, which is the replica, except for a request
 * that carries credentials to the JSON API (`/api/...`): a depositor who has just written
 * must read what they wrote, and a replica may lag behind, so their reads go to the
 * primary. Anonymous readers and harvesters, the bulk of the read load, stay on the
 * replica. Writes always go to the primary.
 */
import type { FastifyInstance } from "fastify";
import { onPrimary } from "../db/index.js";
import type { Services } from "../services.js";

export function readRouting(app: FastifyInstance, { services }: { services: Services }): void {
  if (services.db.readPool === services.db.pool) return;
  // a callback hook, so the rest of the request (handler included) runs inside onPrimary
  app.addHook("onRequest", (req, _reply, done) => {
    if (req.headers.authorization && req.url.startsWith("/api/")) onPrimary(done);
    else done();
  });
}
