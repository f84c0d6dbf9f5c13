/**
 * The measurements themselves. Each returns raw figures; run.ts decides the order, the
 * baselines and the report. A route that is missing (404, or 400 for a parameter it does
 * not know yet) comes back as `{ available: false, reason }` instead of failing the run.
 */
import { createReadStream } from "node:fs";
import { copyOut, type CopyResult } from "./copy.js";
import { offsetOf, XML_FOOTER, XML_HEADER, type Dataset } from "./generate.js";
import { MarkerCounter, request, streamGet } from "./http.js";
import { runLoad, type LoadResult, type LoadSpec } from "./load.js";
import type { RssProbe } from "./processes.js";

export type Maybe<T> = ({ available: true } & T) | { available: false; reason: string };

export function unavailable(status: number, body: string): { available: false; reason: string } {
  let detail = body.replace(/\s+/g, " ").slice(0, 160);
  try {
    const j = JSON.parse(body) as { detail?: string; title?: string; message?: string };
    detail = j.detail ?? j.message ?? j.title ?? detail;
  } catch {
    /* not JSON */
  }
  return { available: false, reason: `HTTP ${status}${detail ? `: ${detail.slice(0, 160)}` : ""}` };
}

// ---------------------------------------------------------------- import

export interface ImportFigures {
  records: number;
  created: number;
  failed: number;
  warnings: number;
  seconds: number;
  peakRss?: number;
  firstFailure?: string;
}

async function* fileSlice(file: string, start: number, end: number): AsyncGenerator<Buffer | string> {
  yield XML_HEADER;
  if (end > start) for await (const chunk of createReadStream(file, { start, end: end - 1, highWaterMark: 1 << 20 })) yield chunk as Buffer;
  yield XML_FOOTER;
}

/** POST records [from, to) of the generated file to /api/import?preserve=ids. */
export async function importRange(baseUrl: string, token: string, data: Dataset, from: number, to: number, probe?: RssProbe): Promise<ImportFigures> {
  probe?.start();
  const res = await request("POST", `${baseUrl}/api/import?preserve=ids`, {
    headers: { "content-type": "application/vnd.eprints.data+xml", authorization: `Bearer ${token}` },
    body: fileSlice(data.file, offsetOf(data.meta, from), offsetOf(data.meta, to)),
    timeoutMs: 6 * 3600_000,
  });
  const peakRss = probe?.stop();
  if (res.status !== 200) throw new Error(`import of records ${from + 1}–${to} answered ${res.status}: ${res.body.slice(0, 500)}`);
  const report = JSON.parse(res.body) as { created: number[]; failed: { position: number; errors: { field: string; message: string }[] }[]; warnings: unknown[]; aborted?: { message: string } };
  if (report.aborted) throw new Error(`import of records ${from + 1}–${to} aborted: ${report.aborted.message}`);
  const f = report.failed[0];
  return {
    records: to - from,
    created: report.created.length,
    failed: report.failed.length,
    warnings: report.warnings.length,
    seconds: res.seconds,
    peakRss,
    firstFailure: f && `record ${f.position}: ${f.errors.map((e) => `${e.field}: ${e.message}`).join("; ")}`,
  };
}

// ---------------------------------------------------------------- bulk export

export interface BulkFigures {
  records: number;
  bytes: number;
  seconds: number;
  peakRss?: number;
  /** records counted in the body, where the format makes that cheap */
  counted?: number;
  rssTimeline?: [number, number][];
}

/** Markers that start each record in a list export (a cheap completeness check). */
const RECORD_MARKERS: Record<string, string> = { XML: "<eprint ", BibTeX: "\n@", JSON: '"eprintid"' };

/** The whole repository in one format; with `stopAfterBytes`, only its beginning (a warm-up of fixed size). */
export async function bulkExport(baseUrl: string, plugin: string, expected: number, probe?: RssProbe, stopAfterBytes?: number): Promise<Maybe<BulkFigures>> {
  const marker = RECORD_MARKERS[plugin];
  const counter = marker ? new MarkerCounter(marker) : undefined;
  let firstByte = "";
  let bytes = 0;
  probe?.start();
  let res: Awaited<ReturnType<typeof streamGet>>;
  try {
    res = await streamGet(`${baseUrl}/api/export/${plugin}`, (chunk) => {
      if (!firstByte) firstByte = chunk.toString("latin1", 0, 1);
      counter?.push(chunk);
      bytes += chunk.length;
      return stopAfterBytes === undefined || bytes < stopAfterBytes;
    });
  } catch (err) {
    probe?.stop();
    return { available: false, reason: `failed: ${(err as Error).message}` };
  }
  const peakRss = probe?.stop();
  if (res.status !== 200) return unavailable(res.status, res.head);
  const rssTimeline = probe ? probe.timeline : undefined;
  // a BibTeX list starts with its first entry, which has no newline before it
  const counted = counter ? counter.count + (plugin === "BibTeX" && firstByte === "@" ? 1 : 0) : undefined;
  return { available: true, records: expected, bytes: res.bytes, seconds: res.seconds, peakRss, counted, rssTimeline };
}

/** The database's own limit: the same rows through COPY … TO STDOUT. */
export async function copyBaseline(databaseUrl: string): Promise<CopyResult> {
  return copyOut(databaseUrl, "SELECT data FROM eprint WHERE eprint_status = 'archive' ORDER BY eprintid");
}

// ---------------------------------------------------------------- OAI-PMH

export const OAI_FIRST = "/cgi/oai2?verb=ListRecords&metadataPrefix=oai_dc";

export interface HarvestFigures {
  records: number;
  deleted: number;
  pages: number;
  seconds: number;
  peakRss?: number;
  /** the path that fetches page N (1-based), for the pages the latency test wants */
  pagePaths: Map<number, string>;
  /** the path of the last page */
  lastPath: string;
  rssTimeline?: [number, number][];
}

/** A complete ListRecords oai_dc harvest, following resumption tokens to the end. */
export async function oaiHarvest(baseUrl: string, expected: number, wantPages: number[], probe?: RssProbe, pageLimit?: number): Promise<Maybe<HarvestFigures>> {
  const pagePaths = new Map<number, string>([[1, OAI_FIRST]]);
  let path: string | undefined = OAI_FIRST;
  let records = 0;
  let deleted = 0;
  let pages = 0;
  let lastPath = OAI_FIRST;
  // bounded: even with pages of one record the harvest ends
  const maxPages = pageLimit ?? expected + 10;
  probe?.start();
  const started = performance.now();
  while (path && pages < maxPages) {
    const res = await request("GET", `${baseUrl}${path}`);
    if (res.status !== 200) {
      probe?.stop();
      return unavailable(res.status, res.body);
    }
    if (pages === 0 && !res.body.includes("<ListRecords")) {
      probe?.stop();
      const error = /<error code="([^"]+)">([^<]*)/.exec(res.body);
      return { available: false, reason: error ? `OAI error ${error[1]}: ${error[2]}` : "no ListRecords in the answer" };
    }
    pages++;
    lastPath = path;
    records += count(res.body, "<record>");
    deleted += count(res.body, 'status="deleted"');
    const token = /<resumptionToken[^>]*>([^<]+)<\/resumptionToken>/.exec(res.body)?.[1];
    path = token ? `/cgi/oai2?verb=ListRecords&resumptionToken=${encodeURIComponent(decodeXml(token))}` : undefined;
    if (path && wantPages.includes(pages + 1)) pagePaths.set(pages + 1, path);
  }
  const seconds = (performance.now() - started) / 1000;
  const peakRss = probe?.stop();
  return { available: true, records, deleted, pages, seconds, peakRss, pagePaths, lastPath, rssTimeline: probe?.timeline };
}

function count(text: string, marker: string): number {
  let n = 0;
  for (let i = text.indexOf(marker); i !== -1; i = text.indexOf(marker, i + marker.length)) n++;
  return n;
}

function decodeXml(s: string): string {
  return s.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, "&");
}

export interface LatencyPair {
  a: { p50: number; p99: number; mean: number };
  b: { p50: number; p99: number; mean: number };
  samples: number;
}

/** Latency of two paths, requested one at a time and alternately so drift hits both alike. */
export async function alternateLatency(baseUrl: string, pathA: string, pathB: string, samples: number): Promise<LatencyPair> {
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < Math.max(3, samples / 10); i++) {
    await request("GET", `${baseUrl}${pathA}`);
    await request("GET", `${baseUrl}${pathB}`);
  }
  for (let i = 0; i < samples; i++) {
    for (const [path, into] of i % 2 ? ([[pathB, b], [pathA, a]] as const) : ([[pathA, a], [pathB, b]] as const)) {
      const res = await request("GET", `${baseUrl}${path}`);
      if (res.status !== 200) throw new Error(`GET ${path} answered ${res.status}`);
      into.push(res.seconds * 1000);
    }
  }
  return { a: stats(a), b: stats(b), samples };
}

function stats(xs: number[]): { p50: number; p99: number; mean: number } {
  const s = [...xs].sort((x, y) => x - y);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
  return { p50: at(0.5), p99: at(0.99), mean: s.reduce((t, x) => t + x, 0) / s.length };
}

// ---------------------------------------------------------------- load runs

/** Probes the route once, then runs the load; a route that is not there is reported so. */
export async function loadIfAvailable(spec: LoadSpec, probe: RssProbe | undefined, check?: (status: number, body: string) => boolean): Promise<Maybe<LoadResult>> {
  const path = spec.path();
  const res = await request(spec.method ?? "GET", `${spec.baseUrl}${path}`, {
    headers: { ...spec.headers, ...(spec.connectionHeaders?.(0) ?? {}), ...(spec.body ? { "content-type": "application/json" } : {}) },
    body: spec.body?.(),
  });
  const ok = check ? check(res.status, res.body) : res.status >= 200 && res.status < 300;
  if (!ok) return unavailable(res.status, res.body);
  return { available: true, ...(await runLoad(spec, probe)) };
}
