/** POST /api/import: EP3 XML or BibTeX in, a report of what was created out. */
import type { IncomingMessage } from "node:http";
import type { Readable } from "node:stream";
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { problems } from "../../errors.js";
import { Importer } from "../../imports/import.js";
import type { Services } from "../../services.js";
import { typed } from "../context.js";
import { ProblemSchema } from "../schemas.js";

const XML_TYPES = ["application/vnd.eprints.data+xml", "application/xml", "text/xml"];
const BIBTEX_TYPES = ["application/x-bibtex", "text/x-bibtex", "application/x-eprints-export-bibtex"];
/** Imports stream, so their size limit is a ceiling on disk and time, not on memory. */
const MAX_IMPORT_BYTES = 2 * 1024 ** 3;
const MAX_BIBTEX_BYTES = 64 * 1024 ** 2;

const Problems = z.array(
  z.object({ position: z.number().int(), line: z.number().int().optional(), eprintid: z.number().int().optional(), errors: z.array(z.object({ field: z.string(), message: z.string() })) }),
);
const ImportReportSchema = z
  .object({
    kind: z.enum(["eprints", "subjects", "users"]),
    created: z.array(z.number().int()),
    imported: z.array(z.union([z.string(), z.number()])),
    failed: Problems,
    warnings: Problems,
    aborted: z.object({ position: z.number().int(), line: z.number().int().optional(), message: z.string() }).optional(),
  })
  .meta({ id: "ImportReport" });

async function* limited(stream: Readable, max: number): AsyncGenerator<Buffer> {
  let seen = 0;
  // Stopping early must not destroy the request: that would take the socket, and the
  // answer with it (lingeringClose ends the connection once the answer is out).
  for await (const chunk of stream.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>) {
    seen += chunk.length;
    if (seen > max) throw problems.tooLarge(`an import may be at most ${max} bytes`);
    yield chunk;
  }
}

/**
 * An import refused part-way (too large, malformed, too many failures) is answered while
 * the client is still sending, and nothing reads the rest of the body. Left so, the socket
 * stays open and paused for as long as the client waits; closed at once, the unread bytes
 * make the kernel reset the connection, which can destroy the answer before the client
 * reads it. So, as web servers do: read and discard what still arrives, for a while, then
 * close.
 */
const LINGER_BYTES = 16 * 1024 ** 2;
const LINGER_MS = 5_000;

function lingeringClose(raw: IncomingMessage): void {
  // (a request injected in-process, as tests make them, has a socket that cannot be destroyed)
  const close = () => raw.socket?.destroy?.();
  const timer = setTimeout(close, LINGER_MS);
  timer.unref();
  let discarded = 0;
  raw.removeAllListeners("readable");
  raw.on("data", (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > LINGER_BYTES) {
      clearTimeout(timer);
      close();
    }
  });
  raw.once("end", () => clearTimeout(timer));
  raw.once("error", () => clearTimeout(timer));
  // once the 'readable' listeners are gone (Node notes that on the next tick) the stream can flow
  setImmediate(() => raw.resume());
}

export function importRoutes(app: FastifyInstance, { services }: { services: Services }): void {
  const importer = new Importer(services);
  app.register(async (scope) => {
    // hand the raw body to the importer: it reads it as a stream
    scope.addContentTypeParser([...XML_TYPES, ...BIBTEX_TYPES], { bodyLimit: MAX_IMPORT_BYTES }, (_req, payload, done) => done(null, payload));
    scope.addHook("onResponse", async (req) => {
      if (!req.raw.complete) lingeringClose(req.raw);
    });
    typed(scope).post(
      "/api/import",
      {
        bodyLimit: MAX_IMPORT_BYTES,
        schema: {
          tags: ["import"],
          summary: "Import EP3 XML (eprints, subjects or users) or BibTeX. Depositors' imports become inbox items; admins may pass preserve=ids to keep ids, dates and statuses",
          querystring: z.strictObject({ preserve: z.enum(["ids"]).optional() }),
          response: { 200: ImportReportSchema, 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema, 413: ProblemSchema, 415: ProblemSchema },
        },
      },
      async (req) => {
        // a body declared larger than the limit is refused before any of it is read
        const declared = Number(req.headers["content-length"]);
        if (declared > MAX_IMPORT_BYTES) throw problems.tooLarge(`an import may be at most ${MAX_IMPORT_BYTES} bytes`);
        const type = (req.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
        const body = req.body as Readable;
        const opts = { viewer: req.viewer, preserveIds: req.query.preserve === "ids" };
        if (req.viewer.kind === "anonymous") throw problems.unauthorized();
        if (BIBTEX_TYPES.includes(type)) {
          if (declared > MAX_BIBTEX_BYTES) throw problems.tooLarge(`a BibTeX import may be at most ${MAX_BIBTEX_BYTES} bytes`);
          const parts: Buffer[] = [];
          for await (const chunk of limited(body, MAX_BIBTEX_BYTES)) parts.push(chunk);
          return importer.importBibtex(Buffer.concat(parts).toString("utf8"), opts);
        }
        if (XML_TYPES.includes(type)) return importer.importEp3Xml(limited(body, MAX_IMPORT_BYTES), opts);
        throw problems.unsupportedMediaType(`send ${XML_TYPES[0]} or ${BIBTEX_TYPES[0]}`);
      },
    );
  });
}
