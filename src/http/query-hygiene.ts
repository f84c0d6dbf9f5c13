/**
 * PostgreSQL text cannot hold NUL (nor an unpaired UTF-16 surrogate), and every query
 * parameter ends up in a query. Rather than trust each route's schema to remember, one hook
 * refuses such a parameter with a 400 naming it. OAI-PMH is left to answer in its own
 * protocol (badArgument).
 */
import type { FastifyInstance } from "fastify";
import { problems } from "../errors.js";
import { storableTextProblem } from "../records/validators.js";

export function registerQueryHygiene(app: FastifyInstance): void {
  app.addHook("preValidation", async (req) => {
    if (req.url.startsWith("/cgi/oai2")) return;
    const query = req.query as Record<string, unknown> | undefined;
    if (!query || typeof query !== "object") return;
    for (const [name, value] of Object.entries(query)) {
      for (const v of Array.isArray(value) ? value : [value]) {
        if (typeof v !== "string") continue;
        const problem = storableTextProblem(v);
        if (problem) throw problems.badParameter(name, problem);
      }
    }
  });
}
