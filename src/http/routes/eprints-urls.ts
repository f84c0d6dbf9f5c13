/**
 * EPrints' URL space for records (REFERENCE.md §6): `/id/eprint/N` with content
 * negotiation, the abstract page `/id/eprint/N/`, the export URLs
 * `/cgi/export/eprint/N/{Plugin}/{file}`, plus the legacy REST API (eprints-rest.ts) and
 * bulk export (eprints-export.ts). Handlers read, render through the registry, answer.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { renderAbstractPage } from "../../formats/abstract-page.js";
import { JSONP_MEDIA_TYPE, jsonpWrapper, recordFormats, renderRecord, signpostingLinks } from "../../formats/export.js";
import { FORMATS, formatById } from "../../formats/registry.js";
import { problems } from "../../errors.js";
import { readForPublic, readPageForPublic } from "../../records/public-read.js";
import type { Services } from "../../services.js";
import { typed } from "../context.js";
import { eprintIdOf } from "../eprint-id.js";
import { candidatesOf, negotiate } from "../negotiate.js";
import { sendRepresentation } from "../representation.js";
import { ProblemSchema } from "../schemas.js";
import { bulkExportRoutes } from "./eprints-export.js";
import { restRoutes } from "./eprints-rest.js";

const IdParam = z.object({ id: z.string().max(64) });
const ExportParams = IdParam.extend({ plugin: z.string().max(64), filename: z.string() });
const jsonp = z.union([z.string(), z.array(z.string())]).optional();
/** EPrints passes plugin arguments in the query; only JSON's JSONP names mean anything here, the rest is ignored. */
const ExportQuery = z.looseObject({
  callback: jsonp.meta({ description: "JSON only: wrap the record as JSONP with this function name (EPrints also reads json= and jsonp=)" }),
  json: jsonp,
  jsonp,
});
const errors = { 404: ProblemSchema, 410: ProblemSchema };

function queryString(req: FastifyRequest): string {
  const at = req.url.indexOf("?");
  return at < 0 ? "" : req.url.slice(at);
}

export function eprintUrlRoutes(app: FastifyInstance, { services }: { services: Services }): void {
  const r = typed(app);
  // the registry is fixed at start-up
  const offered = new Set(recordFormats());
  const candidates = candidatesOf(FORMATS, (f) => offered.has(f));

  const read = (id: number, req: FastifyRequest) => readForPublic(services.db.readPool, id, req.viewer, "export");

  r.get(
    "/id/eprint/:id",
    {
      schema: {
        tags: ["eprints-urls"],
        summary: "The eprint, in the representation the Accept header asks for (303 to the abstract page for HTML)",
        description:
          "Every export format is available by its media type, its aliases and application/x-eprints-export-<lower-case plugin id>. text/html, */* or no Accept: 303 See Other to /id/eprint/N/.",
        params: IdParam,
        response: { 303: z.null(), 406: ProblemSchema, ...errors },
      },
    },
    async (req, reply) => {
      const { id, canonical } = eprintIdOf(req.params.id);
      if (!canonical) return reply.redirect(`/id/eprint/${id}${queryString(req)}`, 301);
      const record = await read(id, req);
      const choice = negotiate(req.headers.accept, candidates);
      reply.header("vary", "Accept, Authorization");
      if (choice.kind === "none") throw problems.notAcceptable(choice.available);
      if (choice.kind === "summary") return reply.redirect(`/id/eprint/${id}/${queryString(req)}`, 303);
      const ctx = await services.formatContext();
      return sendRepresentation(req, reply, {
        record,
        variant: choice.format.id,
        body: renderRecord(choice.format, record, ctx),
        mediaType: choice.format.mediaType,
        vary: ["Accept"],
      });
    },
  );

  r.get(
    "/id/eprint/:id/",
    {
      schema: {
        tags: ["eprints-urls"],
        summary: "The abstract page (HTML), with signposting Link headers",
        params: IdParam,
        response: errors,
      },
    },
    async (req, reply) => {
      const { id, canonical } = eprintIdOf(req.params.id);
      if (!canonical) return reply.redirect(`/id/eprint/${id}/${queryString(req)}`, 301);
      const { record, depositor } = await readPageForPublic(services.db.readPool, id, req.viewer);
      const ctx = await services.formatContext();
      const body = renderAbstractPage(record, ctx, depositor ? { depositor } : {});
      return sendRepresentation(req, reply, {
        record,
        variant: "page",
        body,
        mediaType: "text/html; charset=utf-8",
        headers: { link: signpostingLinks(record, ctx) },
      });
    },
  );

  const exportOne = async (req: FastifyRequest<{ Params: z.infer<typeof ExportParams>; Querystring: z.infer<typeof ExportQuery> }>, reply: FastifyReply) => {
    const format = formatById(req.params.plugin);
    if (!format) throw problems.notFound(`export format ${req.params.plugin.slice(0, 64)}`);
    const { id } = eprintIdOf(req.params.id);
    const record = await read(id, req);
    const ctx = await services.formatContext();
    const wrap = jsonpWrapper(format, req.query);
    return sendRepresentation(req, reply, {
      record,
      variant: format.id,
      body: renderRecord(format, record, ctx, wrap),
      mediaType: wrap ? JSONP_MEDIA_TYPE : format.mediaType,
    });
  };
  const exportSchema = {
    tags: ["eprints-urls"],
    params: ExportParams,
    querystring: ExportQuery,
    response: errors,
  };
  r.get(
    "/cgi/export/eprint/:id/:plugin/:filename",
    {
      schema: {
        ...exportSchema,
        summary: "One eprint in one export format, as EPrints' cgi/export serves it",
        description: "`plugin` is the EPrints plugin id (case-sensitive); the file name is decorative. JSON takes ?callback= (JSONP).",
      },
    },
    exportOne,
  );
  // EPrints' legacy form, /cgi/export/N/{Plugin}/{file}
  r.get("/cgi/export/:id/:plugin/:filename", { schema: { ...exportSchema, summary: "Legacy form of the export URL", hide: true } }, exportOne);

  restRoutes(app, { services });
  bulkExportRoutes(app, { services });
}
