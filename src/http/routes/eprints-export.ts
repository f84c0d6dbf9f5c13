/**
 * Bulk export: `/api/export/{Plugin}` streams every record matching a search (the same
 * parameters as GET /api/eprints, without paging) that the caller may see, in one EPrints
 * export format, as a list export (head + items + tail; CSV with one header row). It is the
 * path form of `GET /api/eprints?format={Plugin}`; both go through `streamSearchExport`.
 */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { problems } from "../../errors.js";
import { listFormat } from "../../formats/export.js";
import { SearchQuery } from "../../records/search.js";
import type { Services } from "../../services.js";
import { typed } from "../context.js";
import { ProblemSchema } from "../schemas.js";
import { streamSearchExport } from "./search.js";

const jsonp = z.string().max(256).optional().meta({ description: "JSON only: wrap the list as JSONP with this function name (EPrints also reads json= and jsonp=)" });

const BulkQuery = SearchQuery.omit({ limit: true, cursor: true, facets: true })
  .extend({ callback: jsonp, json: jsonp, jsonp })
  .meta({ description: "The search parameters of GET /api/eprints; filters combine with AND." });

export function bulkExportRoutes(app: FastifyInstance, { services }: { services: Services }): void {
  typed(app).get(
    "/api/export/:plugin",
    {
      schema: {
        tags: ["eprints"],
        summary: "Every record matching a search that the caller may see, streamed in one EPrints export format",
        description:
          "`plugin` is the EPrints plugin id (BibTeX, CSV, JSON, XML, …). The body is a list export: CSV has one header row, XML and JSON one envelope. Records come in the search's order (eprintid by default).",
        params: z.object({ plugin: z.string().max(64) }),
        querystring: BulkQuery,
        response: { 400: ProblemSchema, 404: ProblemSchema },
      },
    },
    async (req, reply) => {
      if (!listFormat(req.params.plugin)) throw problems.notFound(`export format ${req.params.plugin.slice(0, 64)}`);
      const { callback: _c, json: _j, jsonp: _p, ...filter } = req.query;
      return streamSearchExport(services, req, reply, req.params.plugin, filter as never, req.query);
    },
  );
}
