/**
 * Plain node:http requests for the parts of the benchmark that are not load runs: imports
 * (a request body streamed from the file), bulk exports and OAI pages (response bodies
 * counted as they arrive, never kept whole), and small JSON calls.
 */
import http from "node:http";
import { pipeline } from "node:stream/promises";
import { Readable } from "node:stream";

const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });

export interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  seconds: number;
}

function only127(url: string): URL {
  const u = new URL(url);
  // the benchmark talks to the processes it started, never to anything else
  if (u.hostname !== "127.0.0.1") throw new Error(`refusing to send benchmark traffic to ${u.host}`);
  return u;
}

export async function request(
  method: string,
  url: string,
  opts: { headers?: Record<string, string>; body?: string | AsyncIterable<Buffer | string>; timeoutMs?: number } = {},
): Promise<Answer> {
  const u = only127(url);
  const started = performance.now();
  return new Promise<Answer>((resolve, reject) => {
    const req = http.request(u, { method, agent, headers: opts.headers }, (res) => {
      const parts: Buffer[] = [];
      res.on("data", (d: Buffer) => parts.push(d));
      res.on("error", reject);
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts).toString("utf8"), seconds: (performance.now() - started) / 1000 }));
    });
    req.on("error", reject);
    req.setTimeout(opts.timeoutMs ?? 600_000, () => req.destroy(new Error(`${method} ${u.pathname} timed out`)));
    if (opts.body === undefined) req.end();
    else if (typeof opts.body === "string") req.end(opts.body);
    else pipeline(Readable.from(opts.body), req).catch(reject);
  });
}

export interface Streamed {
  status: number;
  bytes: number;
  seconds: number;
  /** the first bytes of the body, for error messages */
  head: string;
}

/**
 * GET whose body is handed chunk by chunk to `onChunk` and then dropped, so a response of
 * any size costs the benchmark no memory. `onChunk` returning false ends the request there
 * (the connection is closed; the answer so far is reported).
 */
export async function streamGet(url: string, onChunk: (chunk: Buffer) => boolean | void, timeoutMs = 3_600_000): Promise<Streamed> {
  const u = only127(url);
  const started = performance.now();
  return new Promise<Streamed>((resolve, reject) => {
    // a fresh connection: one closed part-way must not be handed back to the pool
    const req = http.get(u, { agent: false }, (res) => {
      let bytes = 0;
      let head = "";
      let done = false;
      const finish = () => {
        if (done) return;
        done = true;
        resolve({ status: res.statusCode ?? 0, bytes, seconds: (performance.now() - started) / 1000, head });
      };
      res.on("data", (d: Buffer) => {
        if (done) return;
        if (head.length < 2000) head += d.subarray(0, 2000 - head.length).toString("utf8");
        bytes += d.length;
        if (onChunk(d) === false) {
          finish();
          req.destroy();
        }
      });
      res.on("close", () => {
        if (done || res.complete) return finish();
        done = true;
        reject(new Error(`the answer was cut short after ${bytes} bytes`));
      });
      res.on("error", (e) => (done ? undefined : reject(e)));
      res.on("end", finish);
    });
    // an error after the answer is complete (the close that ends a warm-up early) changes nothing
    req.on("error", reject);
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`GET ${u.pathname} timed out`)));
  });
}

/** Counts occurrences of `marker` in a stream of chunks, across chunk boundaries. */
export class MarkerCounter {
  count = 0;
  private carry = "";
  constructor(private readonly marker: string) {}
  push = (chunk: Buffer): void => {
    const text = this.carry + chunk.toString("latin1");
    for (let i = text.indexOf(this.marker); i !== -1; i = text.indexOf(this.marker, i + this.marker.length)) this.count++;
    this.carry = text.slice(Math.max(0, text.length - this.marker.length + 1));
  };
}

export function closeAgent(): void {
  agent.destroy();
}
