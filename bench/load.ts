/**
 * Load generation with autocannon: a warm-up whose figures are thrown away, then a
 * measured run of fixed length, with the service's peak memory read over the measured part
 * only. Every run is bounded by its duration (and autocannon's own request timeout).
 */
import autocannon, { type Request } from "autocannon";
import type { RssProbe } from "./processes.js";

export interface LoadSpec {
  baseUrl: string;
  connections: number;
  /** seconds */
  duration: number;
  /** seconds; 0 skips the warm-up */
  warmup: number;
  method?: "GET" | "POST";
  /** The next request's path (called once per request). */
  path: () => string;
  headers?: Record<string, string>;
  /** The next request's body (called once per request). */
  body?: () => string;
  /** Headers for one connection, fixed for its life (a depositor's token). */
  connectionHeaders?: (n: number) => Record<string, string>;
  /** Waits for the work abandoned by the previous run to finish (after the warm-up, and at the end). */
  settle?: () => Promise<unknown>;
}

export interface LoadResult {
  /** successful (2xx) requests per second */
  rps: number;
  requests: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  statusCodes: Record<string, number>;
  /** bytes per second */
  throughput: number;
  /** peak resident memory of the measured process, bytes */
  peakRss?: number;
  seconds: number;
}

function requestOf(spec: LoadSpec): Request {
  let connections = 0;
  return {
    method: spec.method ?? "GET",
    setupRequest(req, context) {
      req.path = spec.path();
      if (spec.connectionHeaders) {
        if (!context.headers) context.headers = spec.connectionHeaders(connections++);
        req.headers = { ...req.headers, ...(context.headers as Record<string, string>) };
      }
      if (spec.body) req.body = spec.body();
      return req;
    },
  };
}

async function once(spec: LoadSpec, duration: number) {
  return autocannon({
    url: spec.baseUrl,
    connections: spec.connections,
    duration,
    timeout: 30,
    headers: spec.headers,
    requests: [requestOf(spec)],
  });
}

export async function runLoad(spec: LoadSpec, probe?: RssProbe): Promise<LoadResult> {
  if (spec.warmup > 0) await once(spec, spec.warmup);
  await spec.settle?.();
  probe?.start();
  const r = await once(spec, spec.duration);
  const peakRss = probe?.stop();
  await spec.settle?.();
  const ok = r["2xx"];
  return {
    rps: ok / r.duration,
    requests: ok,
    p50: r.latency.p50,
    p90: r.latency.p90,
    p99: r.latency.p99,
    max: r.latency.max,
    errors: r.errors,
    timeouts: r.timeouts,
    non2xx: r.non2xx,
    statusCodes: Object.fromEntries(Object.entries(r.statusCodeStats ?? {}).map(([k, v]) => [k, v.count])),
    throughput: r.throughput.average,
    peakRss,
    seconds: r.duration,
  };
}
