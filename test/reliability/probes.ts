/**
 * Shared by the reliability tests: the operations the OpenAPI document declares, every
 * route the app registers (seen through Fastify's `fastify.initialization` diagnostics
 * channel, so a route added anywhere, hidden from the document or not, is seen), and the
 * checks an error answer must pass.
 */
import diagnostics from "node:diagnostics_channel";
import type { FastifyInstance, RouteOptions } from "fastify";
import type { LightMyRequestResponse } from "fastify";
import sax from "sax";

export interface Param {
  name: string;
  in: "path" | "query" | "header";
  schema: JsonSchema;
  required: boolean;
}

export interface JsonSchema {
  type?: string | string[];
  enum?: unknown[];
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  [k: string]: unknown;
}

export interface Operation {
  method: string;
  /** OpenAPI form: /api/eprints/{id} */
  path: string;
  params: Param[];
  /** The JSON body's schema, when the operation declares one. */
  body?: JsonSchema;
}

interface OpenApiDoc {
  paths: Record<string, Record<string, { parameters?: Param[]; requestBody?: { content?: Record<string, { schema?: JsonSchema }> } }>>;
  components?: { schemas?: Record<string, JsonSchema> };
}

/** Every operation of the document (app.swagger()), with $refs to components resolved one level. */
export function operationsOf(doc: OpenApiDoc): Operation[] {
  const resolve = (s: JsonSchema | undefined): JsonSchema | undefined => {
    const ref = s?.$ref as string | undefined;
    if (!ref) return s;
    return doc.components?.schemas?.[ref.replace("#/components/schemas/", "")];
  };
  const out: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      const content = op.requestBody?.content ?? {};
      const body = resolve(content["application/json"]?.schema);
      out.push({
        method: method.toUpperCase(),
        path,
        params: (op.parameters ?? []).map((p) => ({ ...p, schema: resolve(p.schema) ?? {}, required: !!p.required })),
        body,
      });
    }
  }
  return out;
}

/** `/api/eprints/{id}` → `/api/eprints/:id`, Fastify's spelling. */
export function fastifyPath(openapiPath: string): string {
  return openapiPath.replace(/\{([^}]+)\}/g, ":$1");
}

export interface SeenRoute {
  method: string;
  url: string;
  /** The route's own bodyLimit, when it sets one. */
  bodyLimit?: number;
  /** Hidden from the OpenAPI document. */
  hidden: boolean;
}

/**
 * Records every route of every Fastify instance created while `build` runs, through the
 * `fastify.initialization` channel Fastify publishes for exactly this (APM tools add their
 * onRoute hooks there): the onRoute hook is in place before buildApp adds a single route.
 */
export async function withRouteRecorder<T>(build: () => Promise<T>): Promise<{ value: T; routes: SeenRoute[] }> {
  const routes: SeenRoute[] = [];
  const onInit = (msg: unknown) => {
    const { fastify } = msg as { fastify: FastifyInstance };
    fastify.addHook("onRoute", (opts: RouteOptions) => {
      const methods = Array.isArray(opts.method) ? opts.method : [opts.method];
      const hidden = !!(opts.schema as { hide?: boolean } | undefined)?.hide;
      for (const m of methods) routes.push({ method: m.toUpperCase(), url: opts.url, bodyLimit: opts.bodyLimit, hidden });
    });
  };
  diagnostics.subscribe("fastify.initialization", onInit);
  try {
    const value = await build();
    return { value, routes };
  } finally {
    diagnostics.unsubscribe("fastify.initialization", onInit);
  }
}

/**
 * What an error answer must be: application/problem+json whose status is the HTTP status,
 * with a title and a detail that says what was wrong. Returns the reason it is not, or
 * undefined when it is.
 */
export function problemDefect(res: LightMyRequestResponse, method: string): string | undefined {
  if (res.statusCode >= 500) return `status ${res.statusCode}: ${res.body.slice(0, 300)}`;
  if (res.statusCode < 400) return undefined;
  const type = String(res.headers["content-type"] ?? "");
  if (!type.startsWith("application/problem+json")) return `status ${res.statusCode} with content-type ${type}: ${res.body.slice(0, 200)}`;
  if (method === "HEAD") return undefined;
  let body: { status?: unknown; title?: unknown; detail?: unknown; type?: unknown };
  try {
    body = JSON.parse(res.body);
  } catch {
    return `problem document is not JSON: ${res.body.slice(0, 200)}`;
  }
  if (body.status !== res.statusCode) return `problem status ${String(body.status)} differs from HTTP ${res.statusCode}`;
  if (typeof body.title !== "string" || !body.title) return "problem without a title";
  if (typeof body.type !== "string" || !body.type) return "problem without a type";
  if (typeof body.detail !== "string" || body.detail.trim() === "") return `problem without a detail naming what was wrong: ${res.body.slice(0, 200)}`;
  return undefined;
}

/** Well-formed XML (strict sax parse); the reason when it is not. */
export function xmlDefect(text: string): string | undefined {
  const p = sax.parser(true);
  let err: string | undefined;
  p.onerror = (e) => {
    err ??= e.message.split("\n")[0];
    (p as unknown as { error: Error | null }).error = null;
  };
  p.write(text).close();
  return err;
}

/** An OAI-PMH answer: 200, text/xml, a well-formed OAI-PMH document. The reason when it is not. */
export function oaiDefect(res: LightMyRequestResponse, method: string): string | undefined {
  if (res.statusCode >= 400) return problemDefect(res, method);
  if (res.statusCode !== 200) return `OAI-PMH answered ${res.statusCode}`;
  if (!String(res.headers["content-type"]).startsWith("text/xml")) return `OAI-PMH content-type ${String(res.headers["content-type"])}`;
  if (method === "HEAD") return undefined;
  if (!res.body.includes("<OAI-PMH ")) return `not an OAI-PMH document: ${res.body.slice(0, 200)}`;
  const bad = xmlDefect(res.body);
  return bad ? `OAI-PMH answer is not well-formed XML (${bad})` : undefined;
}

export interface UploadResult {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** Body bytes written before the response arrived (or the connection closed). */
  sent: number;
  ms: number;
  /** Largest growth of this process's RSS over its value at the start, sampled every 10 ms. */
  peakRssGrowth: number;
}

/**
 * POSTs `total` bytes (`head`, then `unit` repeated) over a real socket with chunked
 * transfer encoding, generated as it goes from one reused buffer: nothing of the size of the
 * body is ever allocated. Stops writing as soon as a complete response has arrived, as a
 * client would, and samples RSS the whole time.
 */
export async function streamUpload(opts: {
  port: number;
  path: string;
  headers: Record<string, string>;
  head: string;
  unit: string;
  total: number;
  /** Send a Content-Length instead of chunking (only the headers are sent when it is huge). */
  declaredLength?: number;
}): Promise<UploadResult> {
  const net = await import("node:net");
  const started = performance.now();
  const baseRss = process.memoryUsage().rss;
  let peakRssGrowth = 0;
  const sampler = setInterval(() => {
    peakRssGrowth = Math.max(peakRssGrowth, process.memoryUsage().rss - baseRss);
  }, 10);
  const unitBytes = Buffer.from(opts.unit);
  const payload = Buffer.alloc(Math.max(1, Math.floor((1 << 20) / unitBytes.length)) * unitBytes.length);
  for (let i = 0; i < payload.length; i += unitBytes.length) unitBytes.copy(payload, i);
  const chunked = opts.declaredLength === undefined;
  const frame = (b: Buffer) => (chunked ? Buffer.concat([Buffer.from(`${b.length.toString(16)}\r\n`), b, Buffer.from("\r\n")]) : b);
  const framedPayload = frame(payload);
  const headerLines = Object.entries({ host: "127.0.0.1", ...opts.headers, ...(chunked ? { "transfer-encoding": "chunked" } : { "content-length": String(opts.declaredLength) }) })
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join("");

  return new Promise((resolve) => {
    const socket = net.connect(opts.port, "127.0.0.1");
    let sent = 0;
    let done = false;
    let raw = Buffer.alloc(0);
    const finish = () => {
      if (done) return;
      done = true;
      clearInterval(sampler);
      socket.destroy();
      const text = raw.toString("utf8");
      const split = text.indexOf("\r\n\r\n");
      const head = split >= 0 ? text.slice(0, split) : text;
      const [statusLine, ...lines] = head.split("\r\n");
      const headers: Record<string, string> = {};
      for (const l of lines) {
        const c = l.indexOf(":");
        if (c > 0) headers[l.slice(0, c).trim().toLowerCase()] = l.slice(c + 1).trim();
      }
      let body = split >= 0 ? text.slice(split + 4) : "";
      if (headers["transfer-encoding"] === "chunked") body = body.replace(/(?:^|\r\n)[0-9a-f]+\r\n/gi, "");
      resolve({ status: Number(/^HTTP\/1\.\d (\d{3})/.exec(statusLine ?? "")?.[1] ?? -1), headers, body, sent, ms: performance.now() - started, peakRssGrowth });
    };
    const complete = () => {
      const text = raw.toString("latin1");
      const split = text.indexOf("\r\n\r\n");
      if (split < 0) return false;
      const length = /\r\ncontent-length:\s*(\d+)/i.exec(text.slice(0, split));
      if (length) return raw.length - split - 4 >= Number(length[1]);
      return /\r\n0\r\n\r\n$/.test(text);
    };
    socket.on("data", (d: Buffer) => {
      raw = Buffer.concat([raw, d]);
      if (complete()) finish();
    });
    socket.on("close", finish);
    // a server that neither answers nor reads would hang the test: give up after a minute
    setTimeout(finish, 60_000).unref();
    socket.on("error", () => {});
    socket.on("connect", () => {
      socket.write(`POST ${opts.path} HTTP/1.1\r\n${headerLines}\r\n`);
      const head = Buffer.from(opts.head);
      if (head.length) {
        socket.write(frame(head));
        sent += head.length;
      }
      const pump = () => {
        while (!done && sent < opts.total) {
          sent += payload.length;
          if (!socket.write(framedPayload)) return void socket.once("drain", pump);
        }
        if (!done && chunked && sent >= opts.total) socket.write("0\r\n\r\n");
      };
      pump();
    });
  });
}
