/** The per-request viewer, and the zod-typed view of the Fastify instance routes use. */
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import type { Viewer } from "../accounts/viewer.js";

declare module "fastify" {
  interface FastifyRequest {
    viewer: Viewer;
  }
}

export function typed(app: FastifyInstance) {
  return app.withTypeProvider<ZodTypeProvider>();
}
