/**
 * Abuse protection, with maintained plugins rather than our own code: rate limits per token
 * and per address (@fastify/rate-limit, IETF RateLimit-* headers, 429 + Retry-After),
 * security headers (@fastify/helmet), and CORS open for reads, closed for writes
 * (@fastify/cors: no preflight is answered for writing methods, so a browser on another
 * origin cannot send an authenticated write).
 */
import { createHash } from "node:crypto";
import type { FastifyInstance, FastifyRequest } from "fastify";
import cors from "@fastify/cors";
import helmet from "@fastify/helmet";
import rateLimit from "@fastify/rate-limit";
import type { Config } from "../config.js";
import { Problem } from "../errors.js";

function bearer(req: FastifyRequest): string | undefined {
  const m = /^Bearer\s+(\S+)/i.exec(req.headers.authorization ?? "");
  return m?.[1];
}

export async function registerProtection(app: FastifyInstance, config: Config): Promise<void> {
  await app.register(helmet, {
    // a public metadata API: other origins may embed and fetch what it serves
    crossOriginResourcePolicy: { policy: "cross-origin" },
    contentSecurityPolicy: {
      directives: { "default-src": ["'self'"], "img-src": ["'self'", "data:"], "style-src": ["'self'", "'unsafe-inline'"] },
    },
  });
  await app.register(cors, {
    origin: "*",
    methods: ["GET", "HEAD"],
    exposedHeaders: ["ETag", "Last-Modified", "Link", "Location", "RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset", "Retry-After"],
    maxAge: 86400,
    // a bare OPTIONS (no Origin or Access-Control-Request-Method) is asking which methods
    // exist, not a broken preflight: answer it, rather than the plugin's text/plain 400
    strictPreflight: false,
  });
  if (config.rateLimitAnonymous === 0 && config.rateLimitToken === 0) return;
  await app.register(rateLimit, {
    global: true,
    timeWindow: 60_000,
    enableDraftSpec: true,
    // the token's hash, not the token, is the key: secrets never sit in the limiter's store
    keyGenerator: (req) => {
      const token = bearer(req);
      return token ? `t:${createHash("sha256").update(token).digest("hex").slice(0, 32)}` : `a:${req.ip}`;
    },
    max: (req) => {
      const limit = bearer(req) ? config.rateLimitToken : config.rateLimitAnonymous;
      return limit === 0 ? Number.MAX_SAFE_INTEGER : limit;
    },
    allowList: (req) => req.url === "/healthz" || req.url === "/readyz",
    // OAI-PMH's own flow control is 503 + Retry-After, which harvesters honour; elsewhere 429
    errorResponseBuilder: (req, ctx) =>
      new Problem(
        req.url.startsWith("/cgi/oai2") ? 503 : 429,
        "rate-limited",
        req.url.startsWith("/cgi/oai2") ? "Service Unavailable" : "Too Many Requests",
        `at most ${ctx.max} requests a minute; retry in ${Math.ceil(ctx.ttl / 1000)} s`,
        {},
        { "retry-after": String(Math.ceil(ctx.ttl / 1000)) },
      ),
  });
}
