/** /api/eprints: the deposit and management API. Handlers validate, call the store, answer. */
import type { FastifyInstance, FastifyReply } from "fastify";
import { z } from "zod";
import { EPRINT_STATUSES } from "../../records/fields.js";
import { EPrintInputSchema, EPrintSchema, type EPrint } from "../../records/schema.js";
import { etagOf } from "../../records/store.js";
import { fingerprintOf, idempotencyKeyOf } from "../../records/idempotency.js";
import { fromEprintsTime, httpDate } from "../../records/time.js";
import type { Services } from "../../services.js";
import { typed } from "../context.js";
import { ProblemSchema } from "../schemas.js";
import { answerSearch, SearchPageSchema, SearchRequest } from "./search.js";

const IdParams = z.object({ id: z.coerce.number().int().positive().max(2_147_483_647) });
const Revisions = z.object({
  items: z.array(z.object({ rev_number: z.number().int(), lastmod: z.string(), actor: z.number().int().nullable() })),
});
const errors = { 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema, 410: ProblemSchema };

function withRecordHeaders(reply: FastifyReply, r: Pick<EPrint, "eprintid" | "rev_number" | "lastmod">): FastifyReply {
  return reply.header("etag", etagOf(r)).header("last-modified", httpDate(fromEprintsTime(r.lastmod)));
}

export function eprintRoutes(app: FastifyInstance, { services }: { services: Services }): void {
  const r = typed(app);
  const store = services.eprints;

  r.post(
    "/api/eprints",
    {
      schema: {
        tags: ["eprints"],
        summary: "Deposit a new item (it starts in the depositor's inbox)",
        description:
          "With an `Idempotency-Key` header (any 1–255 visible ASCII characters, e.g. a UUID), a retry of the same request by the same user within 24 hours answers the first result (status, body, `Location`) instead of depositing again, also when the retries race; the same key with a different body is 422. Requests that fail are not remembered.",
        headers: z.looseObject({ "idempotency-key": z.string().max(1024).optional() }),
        body: EPrintInputSchema,
        response: { 201: EPrintSchema, ...errors, 409: ProblemSchema, 422: ProblemSchema },
      },
    },
    async (req, reply) => {
      const key = idempotencyKeyOf(req.headers["idempotency-key"]);
      const request = key === undefined ? undefined : { key, fingerprint: fingerprintOf("POST", "/api/eprints", req.body) };
      // the route's schema has parsed the body (EPrintInputSchema): the store need not parse it again
      const { record, replayed } = await store.createOnce(req.body, req.viewer, request, { validated: true });
      if (replayed) reply.header("idempotent-replayed", "true");
      return withRecordHeaders(reply.status(201).header("location", `/api/eprints/${record.eprintid}`), record).send(record);
    },
  );

  r.get(
    "/api/eprints",
    {
      schema: {
        tags: ["eprints"],
        summary: "Search and list records: full text, filters, facets, sorts, cursor pagination; format= exports the whole result",
        description:
          "Every record the caller may see that matches all the filters given. Pages continue with `cursor` (the `next` of the previous page) at constant cost however deep. With `format` (an export plugin id) the whole result is streamed in that format instead.",
        querystring: SearchRequest,
        response: { 200: SearchPageSchema, 400: ProblemSchema },
      },
    },
    async (req, reply) => answerSearch(services, req, reply, req.query),
  );

  r.get(
    "/api/eprints/:id",
    {
      schema: { tags: ["eprints"], summary: "One record", params: IdParams, response: { 200: EPrintSchema, 304: z.null(), ...errors } },
    },
    async (req, reply) => {
      const id = req.params.id;
      if (req.viewer.kind === "anonymous") {
        // hot path: the public JSON was serialised at commit time
        const hit = await store.publicJson(id);
        if (hit && "json" in hit) {
          const tag = `"${id}-${hit.rev_number}"`;
          reply.header("etag", tag).header("last-modified", httpDate(hit.lastmod));
          if (req.headers["if-none-match"] === tag) return reply.status(304).send(null);
          // a string with a JSON content type is sent as it is, unserialised
          return reply.type("application/json; charset=utf-8").send(hit.json as never);
        }
      }
      const record = await store.get(id, req.viewer);
      withRecordHeaders(reply, record);
      if (req.headers["if-none-match"] === etagOf(record)) return reply.status(304).send(null);
      return record;
    },
  );

  r.put(
    "/api/eprints/:id",
    {
      schema: {
        tags: ["eprints"],
        summary: "Replace an item's metadata (If-Match required)",
        params: IdParams,
        body: EPrintInputSchema,
        response: { 200: EPrintSchema, ...errors, 409: ProblemSchema, 412: ProblemSchema, 428: ProblemSchema },
      },
    },
    async (req, reply) => {
      const record = await store.replace(req.params.id, req.body, req.headers["if-match"], req.viewer);
      return withRecordHeaders(reply, record).send(record);
    },
  );

  r.patch(
    "/api/eprints/:id",
    {
      schema: {
        tags: ["eprints"],
        summary: "Change some fields with a JSON merge patch (RFC 7396; null removes a field; If-Match required)",
        params: IdParams,
        body: z.record(z.string(), z.unknown()).meta({ description: "JSON merge patch over the record's metadata fields" }),
        response: { 200: EPrintSchema, ...errors, 412: ProblemSchema, 428: ProblemSchema },
      },
    },
    async (req, reply) => {
      const record = await store.patch(req.params.id, req.body, req.headers["if-match"], req.viewer);
      return withRecordHeaders(reply, record).send(record);
    },
  );

  r.delete(
    "/api/eprints/:id",
    {
      schema: {
        tags: ["eprints"],
        summary: "Delete an item that was never public (inbox or buffer); archived items can only be retired",
        params: IdParams,
        response: { 204: z.null(), ...errors, 409: ProblemSchema, 412: ProblemSchema },
      },
    },
    async (req, reply) => {
      await store.remove(req.params.id, req.headers["if-match"], req.viewer);
      return reply.status(204).send(null);
    },
  );

  r.post(
    "/api/eprints/:id/status",
    {
      schema: {
        tags: ["eprints"],
        summary: "Move an item through the workflow: deposit (inbox→buffer), accept (→archive), retire (→deletion), and back",
        params: IdParams,
        body: z.strictObject({ eprint_status: z.enum(EPRINT_STATUSES) }),
        response: { 200: EPrintSchema, ...errors, 409: ProblemSchema, 412: ProblemSchema },
      },
    },
    async (req, reply) => {
      const record = await store.move(req.params.id, req.body.eprint_status, req.headers["if-match"], req.viewer);
      return withRecordHeaders(reply, record).send(record);
    },
  );

  r.get(
    "/api/eprints/:id/revisions",
    { schema: { tags: ["eprints"], summary: "An item's revision history (owner and staff)", params: IdParams, response: { 200: Revisions, ...errors } } },
    async (req) => ({ items: await store.revisions(req.params.id, req.viewer) }),
  );

  r.get(
    "/api/eprints/:id/revisions/:n",
    {
      schema: {
        tags: ["eprints"],
        summary: "An item as it was at revision n",
        params: IdParams.extend({ n: z.coerce.number().int().positive() }),
        response: { 200: EPrintSchema, ...errors },
      },
    },
    async (req) => store.revision(req.params.id, req.params.n, req.viewer),
  );
}
