/**
 * Sending one rendering of a record with its validators (ETag, Last-Modified) and
 * answering conditional GETs with 304 (RFC 9110 §13: If-None-Match wins over
 * If-Modified-Since).
 */
import type { FastifyReply, FastifyRequest } from "fastify";
import { representationTag } from "../formats/export.js";
import type { EPrint } from "../records/schema.js";
import { fromEprintsTime, httpDate } from "../records/time.js";

export interface Representation {
  record: Pick<EPrint, "eprintid" | "rev_number" | "lastmod">;
  /** What distinguishes this rendering from others of the same record: the format id, "page". */
  variant: string;
  body: string;
  /** Sent exactly as given. */
  mediaType: string;
  /** Request headers the choice of representation depended on, besides Authorization. */
  vary?: string[];
  headers?: Record<string, string>;
}

function matchesAny(header: string, tag: string): boolean {
  return header.split(",").some((t) => {
    const v = t.trim();
    return v === "*" || v.replace(/^W\//, "") === tag;
  });
}

export function isNotModified(req: FastifyRequest, tag: string, lastmod: Date): boolean {
  if (req.method !== "GET" && req.method !== "HEAD") return false;
  const inm = req.headers["if-none-match"];
  if (inm !== undefined) return matchesAny(inm, tag);
  const ims = req.headers["if-modified-since"];
  if (ims === undefined) return false;
  const since = Date.parse(ims);
  return !Number.isNaN(since) && lastmod.getTime() <= since;
}

export function sendRepresentation(req: FastifyRequest, reply: FastifyReply, rep: Representation): FastifyReply {
  // encoded once: the digest and the response use the same bytes (a string would be encoded
  // for the digest, measured for Content-Length and encoded again to be written)
  const body = Buffer.from(rep.body, "utf8");
  const tag = representationTag(rep.record, rep.variant, body);
  const lastmod = fromEprintsTime(rep.record.lastmod);
  reply.header("etag", tag).header("last-modified", httpDate(lastmod)).header("vary", [...(rep.vary ?? []), "Authorization"].join(", "));
  // what an authenticated caller sees may include what the public may not
  if (req.viewer.kind !== "anonymous") reply.header("cache-control", "private");
  for (const [k, v] of Object.entries(rep.headers ?? {})) reply.header(k, v);
  if (isNotModified(req, tag, lastmod)) return reply.status(304).send();
  return reply.status(200).header("content-type", rep.mediaType).send(body);
}
