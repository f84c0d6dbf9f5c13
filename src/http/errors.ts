/** One mapping from failures to application/problem+json (RFC 9457). */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { hasZodFastifySchemaValidationErrors } from "fastify-type-provider-zod";
import { Problem, fieldPath, problems, type FieldProblem } from "../errors.js";

export const PROBLEM_TYPE = "application/problem+json";

export function sendProblem(reply: FastifyReply, req: FastifyRequest, p: Problem): FastifyReply {
  for (const [k, v] of Object.entries(p.headers)) reply.header(k, v);
  return reply
    .status(p.status)
    .type(PROBLEM_TYPE)
    .send(
      JSON.stringify({
        type: `/problems/${p.slug}`,
        title: p.title,
        status: p.status,
        ...(p.detail ? { detail: p.detail } : {}),
        instance: req.url.length > 2048 ? req.url.slice(0, 2048) : req.url,
        ...p.extra,
      }),
    );
}

/**
 * PostgreSQL and socket codes that mean the database is away or overloaded: it is shutting
 * down or starting up (57P01-03), the connection broke (08xxx), or it has no connection to
 * spare (53300).
 */
const UNAVAILABLE_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOTFOUND", "57P01", "57P02", "57P03", "08000", "08003", "08006", "08001", "08004", "53300"]);
/**
 * Prisma's: server unreachable (P1001), timed out (P1002, P1008), connection closed (P1017),
 * too many connections (P2037), no connection for a transaction within maxWait (P2028).
 */
const PRISMA_UNAVAILABLE = new Set(["P1001", "P1002", "P1008", "P1017", "P2028", "P2037"]);
/** The kinds Prisma's pg adapter gives the same failures (DriverAdapterError). */
const ADAPTER_UNAVAILABLE = new Set(["DatabaseNotReachable", "ConnectionClosed", "SocketTimeout", "TooManyConnections"]);

/** Errors that mean the database is out of reach: the client should retry, not give up. */
function isUnavailable(err: unknown, depth = 0): boolean {
  const e = err as { code?: string; kind?: string; message?: string; cause?: unknown; meta?: { driverAdapterError?: unknown } };
  if (!e || typeof e !== "object" || depth > 5) return false;
  const code = e.code ?? "";
  if (UNAVAILABLE_CODES.has(code) || PRISMA_UNAVAILABLE.has(code) || ADAPTER_UNAVAILABLE.has(e.kind ?? "")) return true;
  // Prisma reports other PostgreSQL errors as P2039 "Database error. Code: `57P03`. ..."
  const message = e.message ?? "";
  if (/Code: `(57P0[123]|08\d{3}|53300)`/.test(message)) return true;
  if (/Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|the database system is (starting up|shutting down|not yet accepting connections|in recovery mode)|terminating connection/i.test(message)) return true;
  return isUnavailable(e.cause, depth + 1) || isUnavailable(e.meta?.driverAdapterError, depth + 1);
}

export function toProblem(err: unknown): Problem | undefined {
  if (err instanceof Problem) return err;
  const e = err as FastifyError & { validation?: unknown; validationContext?: string };
  if (hasZodFastifySchemaValidationErrors(e)) {
    const where = e.validationContext;
    const errors: FieldProblem[] = e.validation.map((v) => {
      const path = v.instancePath.split("/").filter(Boolean).map((s) => (/^\d+$/.test(s) ? Number(s) : s));
      if (v.keyword === "unrecognized_keys") {
        const keys = (v.params as { keys?: string[] }).keys ?? [];
        return { field: fieldPath([...path, ...keys.slice(0, 1)]), message: `unknown ${where === "body" ? "field" : "parameter"}${keys.length > 1 ? `s: ${keys.join(", ")}` : ""}` };
      }
      return { field: fieldPath(path), message: v.message ?? "invalid" };
    });
    return where === "querystring" || where === "params" || where === "headers"
      ? new Problem(400, "invalid-parameter", "Invalid parameter", errors.map((x) => `${x.field}: ${x.message}`).join("; "), { errors })
      : problems.invalid(errors);
  }
  switch (e?.code) {
    case "FST_ERR_CTP_BODY_TOO_LARGE":
      return problems.tooLarge(e.message);
    case "FST_ERR_CTP_INVALID_MEDIA_TYPE":
    case "FST_ERR_CTP_INVALID_CONTENT_LENGTH":
      return problems.unsupportedMediaType(e.message);
    case "FST_ERR_CTP_EMPTY_JSON_BODY":
      return problems.invalid([{ field: "(body)", message: "the body is empty" }]);
    case "FST_ERR_CTP_INVALID_JSON_BODY":
      return problems.invalid([{ field: "(body)", message: `not valid JSON: ${e.message}` }]);
  }
  if (e instanceof SyntaxError && (e as { statusCode?: number }).statusCode === 400) {
    return problems.invalid([{ field: "(body)", message: `not valid JSON: ${e.message}` }]);
  }
  if (typeof e?.statusCode === "number" && e.statusCode >= 400 && e.statusCode < 500) {
    return new Problem(e.statusCode, "bad-request", "Bad Request", e.message);
  }
  if (isUnavailable(err)) return problems.unavailable("the database is unavailable; retry shortly");
  return undefined;
}

/**
 * Failures Fastify's router finds before any route runs (Fastify's `frameworkErrors`): a
 * path whose percent-encoding is not UTF-8, a path parameter over `maxParamLength`. Without
 * this they would be Fastify's own JSON, not problem+json.
 */
export function frameworkErrorHandler(err: FastifyError, req: FastifyRequest, reply: FastifyReply): void {
  switch (err.code) {
    case "FST_ERR_BAD_URL":
      sendProblem(reply, req, new Problem(400, "bad-url", "Bad URL", "the path is not valid percent-encoded UTF-8"));
      return;
    case "FST_ERR_MAX_PARAM_LENGTH":
      sendProblem(reply, req, new Problem(414, "uri-too-long", "URI Too Long", "a path segment is too long"));
      return;
  }
  const p = toProblem(err) ?? new Problem(500, "internal", "Internal Server Error", `an unexpected error occurred; quote request id ${req.id}`);
  if (p.status >= 500) req.log.error({ err }, "framework error");
  sendProblem(reply, req, p);
}

export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err, req, reply) => {
    const p = toProblem(err);
    if (p) {
      if (p.status >= 500) req.log.warn({ err }, p.detail);
      return sendProblem(reply, req, p);
    }
    req.log.error({ err }, "unhandled error");
    return sendProblem(reply, req, new Problem(500, "internal", "Internal Server Error", `an unexpected error occurred; quote request id ${req.id}`));
  });
  app.setNotFoundHandler((req, reply) => sendProblem(reply, req, new Problem(404, "not-found", "Not Found", `no route for ${req.method} ${req.url.split("?")[0]}`)));
}
