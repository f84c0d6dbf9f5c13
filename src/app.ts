/**
 * buildApp: the Fastify application with every plugin and route registered. It does no I/O
 * of its own (the services are built by the caller), so tests drive it with inject() and
 * the OpenAPI script renders it without a database.
 */
import Fastify, { type FastifyInstance, type FastifyServerOptions } from "fastify";
import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import { jsonSchemaTransform, jsonSchemaTransformObject, serializerCompiler, validatorCompiler } from "fastify-type-provider-zod";
import type { Services } from "./services.js";
import { ANONYMOUS } from "./accounts/viewer.js";
import { frameworkErrorHandler, registerErrorHandling } from "./http/errors.js";
import { problems } from "./errors.js";
import { registerProtection } from "./http/protection.js";
import { registerQueryHygiene } from "./http/query-hygiene.js";
import { eprintRoutes } from "./http/routes/eprints.js";
import { accountRoutes } from "./http/routes/accounts.js";
import { subjectRoutes } from "./http/routes/subjects.js";
import { healthRoutes } from "./http/routes/health.js";
import { eprintUrlRoutes } from "./http/routes/eprints-urls.js";
import { oaiRoutes } from "./oai/routes.js";
import { importRoutes } from "./http/routes/import.js";
import { homeRoutes } from "./http/routes/home.js";
import { searchRoutes } from "./http/routes/search.js";
import { readRouting } from "./http/read-routing.js";

export interface BuildOptions {
  services: Services;
  logger?: FastifyServerOptions["logger"];
}

export const API_VERSION = "0.1.0";

export async function buildApp({ services, logger = false }: BuildOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger,
    bodyLimit: 5 * 1024 * 1024,
    // request ids in logs and problem documents; honour a proxy's id when it sends one
    requestIdHeader: "x-request-id",
    genReqId: () => crypto.randomUUID(),
    routerOptions: { ignoreTrailingSlash: false, maxParamLength: 500 },
    // refused while closing by our own hook below, as problem+json with Retry-After
    return503OnClosing: false,
    // router failures (bad percent-encoding, over-long path segments) as problem+json too
    frameworkErrors: frameworkErrorHandler,
    // believe X-Forwarded-For from exactly the configured number of proxies in front
    trustProxy: (_address: string, hop: number) => hop < services.config.trustProxy,
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.addContentTypeParser(["application/merge-patch+json"], { parseAs: "string" }, app.getDefaultJsonParser("error", "error"));
  registerErrorHandling(app);
  // once shutdown begins, requests still arriving on open connections are refused in a way
  // clients can act on: 503 + Retry-After, and the connection is closed
  let closing = false;
  app.addHook("preClose", async () => {
    closing = true;
  });
  app.addHook("onRequest", async (_req, reply) => {
    if (closing) {
      reply.header("connection", "close");
      throw problems.unavailable("this instance is shutting down; retry (another instance may answer)", 1);
    }
  });
  await registerProtection(app, services.config);
  registerQueryHygiene(app);

  await app.register(swagger, {
    openapi: {
      openapi: "3.1.0",
      info: {
        title: "Vellum",
        version: API_VERSION,
        description: "An EPrints-compatible REST metadata API: records as EPrints 3 keeps them, exports as EPrints writes them.",
      },
      components: { securitySchemes: { bearer: { type: "http", scheme: "bearer" } } },
      security: [{ bearer: [] }, {}],
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(swaggerUi, { routePrefix: "/docs", staticCSP: true });
  app.get("/openapi.json", { schema: { hide: true } }, async () => app.swagger());

  // set per request by the hook below (fastify wants a non-reference default)
  app.decorateRequest("viewer", null as never);
  app.addHook("onRequest", async (req) => {
    // OAI-PMH serves public data only; harvesters configured with Basic credentials must
    // not be turned away, so its credentials are not read at all
    req.viewer = req.url.startsWith("/cgi/oai2") ? ANONYMOUS : await services.accounts.authenticate(req.headers.authorization);
  });

  const deps = { services };
  readRouting(app, deps);
  healthRoutes(app, deps);
  eprintRoutes(app, deps);
  accountRoutes(app, deps);
  subjectRoutes(app, deps);
  eprintUrlRoutes(app, deps);
  oaiRoutes(app, deps);
  importRoutes(app, deps);
  homeRoutes(app, deps);
  searchRoutes(app, deps);
  return app;
}
