/**
 * `/cgi/oai2`, EPrints' OAI-PMH base URL, over GET (query string) and POST
 * (application/x-www-form-urlencoded body), as OAI-PMH §3.1.1 requires. Parameters are read
 * from the raw query or body so that a repeated argument is seen as repeated. Every answer,
 * errors included, is an OAI-PMH document with status 200.
 */
import type { FastifyInstance } from "fastify";
import { problems } from "../errors.js";
import { oaiFormats } from "../formats/registry.js";
import type { Services } from "../services.js";
import { OaiProvider } from "./provider.js";
import { OaiStore } from "./store.js";
import { OAI_CONTENT_TYPE } from "./xml.js";

export const OAI_PATH = "/cgi/oai2";

function pairsOf(encoded: string): [string, string][] {
  return [...new URLSearchParams(encoded)];
}

/**
 * The response encoded once: a page of a list is a few hundred KB built from many pieces,
 * and sent as a string it would be walked twice (its UTF-8 length for Content-Length, then
 * the encoding itself).
 */
function bytes(xml: string): Buffer {
  return Buffer.from(xml, "utf8");
}

export function oaiRoutes(app: FastifyInstance, { services }: { services: Services }): void {
  const provider = new OaiProvider({
    config: services.config,
    store: new OaiStore(services.db.readPool),
    signer: services.signer,
    formatContext: () => services.formatContext(),
    formats: oaiFormats,
  });

  // encapsulated, so the form parser applies to this route only
  app.register(async (scope) => {
    scope.addContentTypeParser("application/x-www-form-urlencoded", { parseAs: "string", bodyLimit: 64 * 1024 }, (_req, body, done) => done(null, body));

    const schema = {
      tags: ["oai-pmh"],
      summary: "OAI-PMH 2.0 data provider (EPrints' cgi/oai2)",
      description:
        "The six OAI-PMH verbs. Answers are text/xml; protocol errors are OAI error elements with status 200. " +
        "POST takes the same arguments as an application/x-www-form-urlencoded body.",
    };

    scope.get(OAI_PATH, { schema }, async (req, reply) => {
      const q = req.raw.url?.indexOf("?") ?? -1;
      const xml = await provider.respond(pairsOf(q >= 0 ? req.raw.url!.slice(q + 1) : ""));
      return reply.type(OAI_CONTENT_TYPE).send(bytes(xml));
    });

    scope.post(OAI_PATH, { schema }, async (req, reply) => {
      // OAI-PMH POST is a form; another body (JSON, multipart) is an HTTP problem, not an OAI one
      if (req.body !== undefined && req.body !== null && typeof req.body !== "string") {
        throw problems.unsupportedMediaType("OAI-PMH POST requests are application/x-www-form-urlencoded");
      }
      const xml = await provider.respond(pairsOf((req.body as string | undefined) ?? ""));
      return reply.type(OAI_CONTENT_TYPE).send(bytes(xml));
    });
  });
}
