/**
 * The server's logger options (pino, through Fastify), in one place so tests can build an
 * app that logs exactly as the server does.
 *
 * Nothing secret is logged: headers are not (and Authorization and Cookie are redacted
 * should anything log them), request bodies are not, and the one piece of the request
 * that is, its URL, has anything shaped like an API token or an e-mail address masked:
 * clients do put them there (`?token=…`, a search for an address), and a log is read by
 * more people than the database.
 */
import type { FastifyRequest, FastifyServerOptions } from "fastify";

const TOKEN = /vel_[A-Za-z0-9_-]{8,}/g;
/** What separates the pieces of a URL; a piece with an @ in it (plain or %40) is an address. */
const SEPARATORS = /([\s/?&=#;,:+])/;

/** The URL as it may be logged (linear in its length: it runs on every request). */
export function loggableUrl(url: string): string {
  return url
    .replace(TOKEN, "vel_[redacted]")
    .split(SEPARATORS)
    .map((piece) => (piece.includes("@") || /%40/i.test(piece) ? "[e-mail]" : piece))
    .join("");
}

export function loggerOptions(level: string): Exclude<FastifyServerOptions["logger"], boolean | undefined> {
  return {
    level,
    redact: ["req.headers.authorization", "req.headers.cookie"],
    serializers: {
      // Fastify's own request serializer, with the URL masked
      req: (req: FastifyRequest) => ({
        method: req.method,
        url: loggableUrl(req.url),
        host: req.host,
        remoteAddress: req.ip,
        remotePort: req.socket?.remotePort,
      }),
    },
  };
}
