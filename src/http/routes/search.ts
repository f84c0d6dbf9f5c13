/**
 * Finding records over HTTP: the search answer shared by GET /api/eprints and the browse
 * views (subjects, divisions, years, as EPrints' views), bulk export of a search in any
 * list format (`format=`), and the change feed. Handlers validate, call records/search.ts
 * or records/changes.ts, and answer.
 */
import { Readable } from "node:stream";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { problems } from "../../errors.js";
import { JSONP_MEDIA_TYPE, jsonpWrapper, listFormat, renderList } from "../../formats/export.js";
import { FORMATS } from "../../formats/registry.js";
import { ChangeFeed } from "../../records/changes.js";
import { EPRINT_STATUSES } from "../../records/fields.js";
import { EPrintSchema } from "../../records/schema.js";
import { EPrintSearch, FACETS, SearchQuery, type SearchFilter, type SearchPage } from "../../records/search.js";
import type { Services } from "../../services.js";
import { typed } from "../context.js";
import { ProblemSchema } from "../schemas.js";

const jsonp = z.string().max(256).optional().meta({ description: "with format=JSON: wrap the list as JSONP with this function name (EPrints also reads json= and jsonp=)" });

/** The search parameters, plus `format` for a bulk export of the whole result. */
export const SearchRequest = SearchQuery.extend({
  format: z
    .string()
    .max(64)
    .optional()
    .meta({ description: "an EPrints export plugin id (BibTeX, CSV, JSON, XML, RIS…): the whole result streamed in that format, in the query's order (limit, cursor and facets do not apply)" }),
  callback: jsonp,
  json: jsonp,
  jsonp,
}).meta({ description: "Filters combine with AND; the values of one list parameter (comma separated) with OR." });
type SearchRequest = z.output<typeof SearchRequest>;

const FacetValueSchema = z.object({ value: z.string(), count: z.number().int(), name: z.string().optional() });
export const SearchPageSchema = z
  .object({
    items: z.array(EPrintSchema),
    next: z.string().nullable().meta({ description: "pass back as `cursor` for the next page; null on the last page" }),
    total: z.number().int().meta({ description: "matches in all pages: exact, unless total_estimated" }),
    total_estimated: z.boolean().optional().meta({ description: "true when total is the planner's estimate (more than VELLUM_SEARCH_EXACT_TOTAL matches)" }),
    facets: z
      .object(Object.fromEntries(FACETS.map((f) => [f, z.array(FacetValueSchema).optional()])) as Record<(typeof FACETS)[number], z.ZodOptional<z.ZodArray<typeof FacetValueSchema>>>)
      .optional()
      .meta({ description: "counts over every match; subject and division counts include everything below each node" }),
  })
  .meta({ id: "EPrintPage" });

const searches = new WeakMap<Services, EPrintSearch>();

/** The instance's search (one per Services, configured from its settings). */
export function searchOf(services: Services): EPrintSearch {
  let s = searches.get(services);
  if (!s) {
    s = new EPrintSearch(services.db, services.subjects, services.signer, services.config.searchExactTotal);
    searches.set(services, s);
  }
  return s;
}

/**
 * The answer to a search request: a JSON page, or with `format` the whole result streamed
 * in that export format. Extra conditions from the path (a browse view) are merged in.
 */
export async function answerSearch(services: Services, req: FastifyRequest, reply: FastifyReply, q: SearchRequest): Promise<SearchPage | FastifyReply> {
  const { format, callback: _c, json: _j, jsonp: _p, ...params } = q;
  if (format === undefined) return searchOf(services).page(params, req.viewer);
  return streamSearchExport(services, req, reply, format, params, q);
}

/**
 * Every match of `params` that the caller may see, in `plugin`'s list form, streamed from
 * keyset pages as the client reads. The first chunk is awaited before the status is sent,
 * so a bad query is still a problem document and not a truncated 200.
 */
export async function streamSearchExport(
  services: Services,
  req: FastifyRequest,
  reply: FastifyReply,
  plugin: string,
  params: SearchFilter,
  raw: Record<string, unknown> = {},
): Promise<FastifyReply> {
  const format = listFormat(plugin);
  if (!format) {
    const ids = FORMATS.filter((f) => listFormat(f.id)).map((f) => f.id);
    throw problems.badParameter("format", `unknown export format ${plugin.slice(0, 64)}; one of ${ids.join(", ")}`);
  }
  const ctx = await services.formatContext();
  const wrap = jsonpWrapper(format, raw);
  const { limit: _l, cursor: _c, facets: _f, ...filter } = params;
  const chunks = renderList(format, searchOf(services).stream(filter, req.viewer), ctx, wrap)[Symbol.asyncIterator]();
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
  stream.on("error", (err) => req.log.error({ err }, "search export failed while streaming"));
  reply.header("content-type", wrap ? JSONP_MEDIA_TYPE : format.mediaType).header("vary", "Authorization");
  if (req.viewer.kind !== "anonymous") reply.header("cache-control", "private");
  return reply.status(200).send(stream);
}

const SubjectParams = z.object({ id: z.string().regex(/^[A-Za-z0-9_.:-]{1,128}$/, "must be a subject id") });
const YearParams = z.object({ year: z.string().regex(/^\d{4}$/, "must be a four-digit year") });

const ChangeQuery = z.strictObject({
  since: z.string().max(4096).optional().meta({ description: "the `next` value of the previous answer; absent: from the first change" }),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  include: z.enum(["record"]).optional().meta({ description: "record: each change carries the record as it was after the change (as the caller may see it)" }),
});
const ChangeSchema = z.object({
  seq: z.number().int(),
  eprintid: z.number().int(),
  rev_number: z.number().int(),
  action: z.string().meta({ description: "public feed: created, updated or deleted; staff: created, updated, moved, retired, reinstated or deleted" }),
  at: z.string(),
  eprint_status: z.enum(EPRINT_STATUSES).optional(),
  record: EPrintSchema.optional(),
});
const ChangePageSchema = z
  .object({
    items: z.array(ChangeSchema),
    next: z.string().meta({ description: "pass back as `since`; when more is false, poll again later with it" }),
    more: z.boolean(),
  })
  .meta({ id: "ChangePage" });

export function searchRoutes(app: FastifyInstance, { services }: { services: Services }): void {
  const r = typed(app);
  const feed = new ChangeFeed(services.db, services.signer);
  const page = { 200: SearchPageSchema, 400: ProblemSchema, 404: ProblemSchema };

  const browse = (field: "subject" | "division") => async (req: FastifyRequest<{ Params: { id: string }; Querystring: SearchRequest }>, reply: FastifyReply) => {
    const tree = await services.subjects.current();
    const top = field === "subject" ? "subjects" : "divisions";
    const id = req.params.id;
    if (!tree.get(id) || (id !== top && tree.topOf(id) !== top)) throw problems.notFound(`${field} ${id}`);
    if (req.query[field]) throw problems.badParameter(field, `the ${field} is already given in the path`);
    return answerSearch(services, req, reply, { ...req.query, [field]: [id] });
  };

  r.get(
    "/api/subjects/:id/eprints",
    {
      schema: {
        tags: ["search"],
        summary: "Records filed under a subject or anything below it (EPrints' subjects view), with every search parameter",
        params: SubjectParams,
        querystring: SearchRequest,
        response: page,
      },
    },
    browse("subject"),
  );
  r.get(
    "/api/divisions/:id/eprints",
    {
      schema: {
        tags: ["search"],
        summary: "Records of a division or any unit below it (EPrints' divisions view), with every search parameter",
        params: SubjectParams,
        querystring: SearchRequest,
        response: page,
      },
    },
    browse("division"),
  );
  r.get(
    "/api/years/:year/eprints",
    {
      schema: {
        tags: ["search"],
        summary: "Records dated in a year (EPrints' year view), with every search parameter",
        params: YearParams,
        querystring: SearchRequest,
        response: page,
      },
    },
    async (req, reply) => {
      if (req.query.year) throw problems.badParameter("year", "the year is already given in the path");
      return answerSearch(services, req, reply, { ...req.query, year: [Number(req.params.year)] });
    },
  );

  r.get(
    "/api/changes",
    {
      schema: {
        tags: ["search"],
        summary: "The change feed: created, updated and deleted records in commit order, to mirror the repository",
        description:
          "Anonymous callers and depositors see the public feed: `created` when a record goes live, `updated` when a live record changes, `deleted` when it is retired or withdrawn; changes to records that were never live do not appear. Editors and admins see every change as recorded. A change appears once every transaction that was writing when it was made has ended, so no change is ever skipped by a cursor.",
        querystring: ChangeQuery,
        response: { 200: ChangePageSchema, 400: ProblemSchema },
      },
    },
    async (req) => feed.page({ since: req.query.since, limit: req.query.limit, includeRecord: req.query.include === "record" }, req.viewer),
  );
}
