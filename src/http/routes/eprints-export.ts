/**
 * Bulk export: every record matching the list filters that the caller may see, in one
 * EPrints export format, as a list export (head + items + tail; CSV with one header row).
 * Streamed: the database is read in keyset pages and the response written as it goes.
 *
 * `/api/export/{Plugin}` is the route; `exportDelegate` lets `/api/eprints?format={Plugin}`
 * answer the same way when the list route installs it as its preValidation hook.
 */
import { Readable } from "node:stream";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { Problem, problems } from "../../errors.js";
import { JSONP_MEDIA_TYPE, jsonpWrapper, listFormat, renderList } from "../../formats/export.js";
import { EPRINT_STATUSES, EPRINT_TYPES } from "../../records/fields.js";
import { streamVisible } from "../../records/public-read.js";
import type { Services } from "../../services.js";
import { typed } from "../context.js";
import { ProblemSchema } from "../schemas.js";

const jsonp = z.string().max(256).optional().meta({ description: "JSON only: wrap the list as JSONP with this function name (EPrints also reads json= and jsonp=)" });

/** The list route's filters (GET /api/eprints), without its paging. */
export const BulkQuery = z
  .strictObject({
    eprint_status: z.enum(EPRINT_STATUSES).optional(),
    type: z.enum(EPRINT_TYPES).optional(),
    userid: z.coerce.number().int().positive().max(2_147_483_647).optional(),
    since: z
      .string()
      .refine((s) => !Number.isNaN(Date.parse(s)), "must be an ISO 8601 date or date-time")
      .optional()
      .meta({ description: "only records modified at or after this time (ISO 8601)" }),
    callback: jsonp,
    json: jsonp,
    jsonp,
  })
  .meta({ description: "Filters combine with AND, as on GET /api/eprints." });
type BulkQuery = z.infer<typeof BulkQuery>;

async function streamExport(services: Services, req: FastifyRequest, reply: FastifyReply, plugin: string, q: BulkQuery): Promise<FastifyReply> {
  const format = listFormat(plugin);
  if (!format) throw problems.notFound(`export format ${plugin.slice(0, 64)}`);
  const ctx = await services.formatContext();
  const wrap = jsonpWrapper(format, q);
  const records = streamVisible(services.db.readPool, req.viewer, {
    eprint_status: q.eprint_status,
    type: q.type,
    userid: q.userid,
    since: q.since ? new Date(q.since) : undefined,
  });
  const chunks = renderList(format, records, ctx, wrap)[Symbol.asyncIterator]();
  // the first chunk is awaited before anything is sent, so a failure to query is still a
  // problem document and not a truncated 200
  const first = await chunks.next();
  async function* all(): AsyncGenerator<string> {
    if (first.done) return;
    yield first.value;
    for (;;) {
      const next = await chunks.next();
      if (next.done) return;
      yield next.value;
    }
  }
  const stream = Readable.from(all());
  stream.on("error", (err) => req.log.error({ err }, "bulk export failed while streaming"));
  reply.header("content-type", wrap ? JSONP_MEDIA_TYPE : format.mediaType).header("vary", "Authorization");
  if (req.viewer.kind !== "anonymous") reply.header("cache-control", "private");
  return reply.status(200).send(stream);
}

function parseQuery(raw: unknown, extra: string[] = []): BulkQuery {
  const q = { ...(raw as Record<string, unknown>) };
  for (const k of extra) delete q[k];
  const parsed = BulkQuery.safeParse(q);
  if (!parsed.success) {
    const errors = parsed.error.issues.flatMap((i) =>
      i.code === "unrecognized_keys" ? i.keys.map((k) => ({ field: k, message: "unknown parameter" })) : [{ field: i.path.join(".") || "(query)", message: i.message }],
    );
    throw new Problem(400, "invalid-parameter", "Invalid parameter", errors.map((e) => `${e.field}: ${e.message}`).join("; "), { errors });
  }
  return parsed.data;
}

export function bulkExportRoutes(app: FastifyInstance, { services }: { services: Services }): void {
  typed(app).get(
    "/api/export/:plugin",
    {
      schema: {
        tags: ["eprints"],
        summary: "Every record matching the filters that the caller may see, streamed in one EPrints export format",
        description:
          "`plugin` is the EPrints plugin id (BibTeX, CSV, JSON, XML, …). The body is a list export: CSV has one header row, XML and JSON one envelope. Records come in eprintid order.",
        params: z.object({ plugin: z.string().max(64) }),
        querystring: BulkQuery,
        response: { 400: ProblemSchema, 404: ProblemSchema },
      },
    },
    async (req, reply) => streamExport(services, req, reply, req.params.plugin, req.query),
  );
}

/**
 * A preValidation hook for GET /api/eprints: with `?format={Plugin}` the request is a
 * bulk export and is answered here (the list route's own query schema never sees it);
 * without, the list route runs as before.
 */
export function exportDelegate(services: Services) {
  return async function (req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | void> {
    const format = (req.query as Record<string, unknown> | undefined)?.format;
    if (format === undefined) return;
    if (typeof format !== "string") throw problems.badParameter("format", "give one export plugin id");
    return streamExport(services, req, reply, format, parseQuery(req.query, ["format"]));
  };
}
