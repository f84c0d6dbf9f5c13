/**
 * Exports over the registry, as EPrints' `cgi/export` and search/bulk exports serve them
 * (REFERENCE.md §6.2): one record in a format, a list streamed as head + items + tail,
 * the export URLs and the signposting links of an abstract page. Nothing here knows a
 * particular format except by its EPrints plugin id.
 */
import { createHash } from "node:crypto";
import type { EPrint } from "../records/schema.js";
import { jsonpCallback, wrapJsonp } from "./json.js";
import { FORMATS, formatById } from "./registry.js";
import type { ExportFormat, FormatContext } from "./types.js";


/**
 * Formats offered to everyone for one record: the abstract page's "Export to" list and
 * negotiation. List-only formats (feeds, id lists) still answer /cgi/export for one record.
 */
export function recordFormats(): ExportFormat[] {
  // the registry is fixed when the modules load; every abstract page asks
  return (offeredForRecords ??= FORMATS.filter((f) => f.visibility === "all" && f.only !== "list")).slice();
}
let offeredForRecords: ExportFormat[] | undefined;

/** Formats a bulk export can write: everything public (hidden ones have no list form). */
export function listFormat(id: string): ExportFormat | undefined {
  const f = formatById(id);
  return f && f.visibility === "all" ? f : undefined;
}

/** `{repoid}-eprint-N{suffix}`: the decorative last segment of an export URL. */
export function exportFileName(format: ExportFormat, r: Pick<EPrint, "eprintid">, ctx: FormatContext): string {
  return `${ctx.repo.repoId}-eprint-${r.eprintid}${format.extension}`;
}

/** `{base_url}/cgi/export/eprint/N/{Plugin}/{repoid}-eprint-N{suffix}` (Plugin/Export.pm dataobj_export_url). */
export function exportUrl(format: ExportFormat, r: Pick<EPrint, "eprintid">, ctx: FormatContext): string {
  return `${ctx.repo.baseUrl}/cgi/export/eprint/${r.eprintid}/${encodeURIComponent(format.id)}/${exportFileName(format, r, ctx)}`;
}

/** The object URI, `{base_url}/id/eprint/N` (no trailing slash). */
export function eprintUri(r: Pick<EPrint, "eprintid">, ctx: FormatContext): string {
  return `${ctx.repo.baseUrl}/id/eprint/${r.eprintid}`;
}

/** JSONP wrapping, as a prefix and suffix so a streamed list can be wrapped too. */
export interface Wrapper {
  before: string;
  after: string;
}

/**
 * EPrints' JSON export takes a JSONP function name from `?json=`, `?jsonp=` or
 * `?callback=`; the JSON module decides the name and the wrapping. Other formats ignore them.
 */
export function jsonpWrapper(format: ExportFormat, query: Record<string, unknown>): Wrapper | undefined {
  if (format.id !== "JSON") return undefined;
  const first = (v: unknown) => (Array.isArray(v) ? v[0] : v) as string | undefined;
  const callback = jsonpCallback({ json: first(query.json), jsonp: first(query.jsonp), callback: first(query.callback) });
  if (callback === undefined) return undefined;
  const [before, after] = wrapJsonp("\u0000", callback).split("\u0000") as [string, string];
  return { before, after };
}

/**
 * A JSONP answer is a script: sent as JSON (EPrints' type) a browser that honours
 * `X-Content-Type-Options: nosniff` refuses to run it.
 */
export const JSONP_MEDIA_TYPE = "application/javascript; charset=utf-8";

/** One record in `format`, with no byte-order mark (EPrints sends none over the web). */
export function renderRecord(format: ExportFormat, r: EPrint, ctx: FormatContext, wrap?: Wrapper): string {
  const body = stripBom(format.serialize(r, ctx));
  return wrap ? wrap.before + body + wrap.after : body;
}

/**
 * A list in `format`: head, each record, tail, yielded as the records arrive so a list of
 * any length streams in constant memory. Formats without a list form concatenate their
 * one-record form. Strings are batched to about 64 KiB to keep writes few. The records are
 * read ahead of the rendering (see readAhead), so a source that reads the database in
 * pages fetches the next page while this one is written.
 */
export async function* renderList(format: ExportFormat, records: AsyncIterable<EPrint>, ctx: FormatContext, wrap?: Wrapper): AsyncGenerator<string> {
  const list = format.list;
  let buffer = (wrap?.before ?? "") + stripBom(list ? list.head(ctx) : "");
  let count = 0;
  for await (const batch of readAhead(records, READ_AHEAD)) {
    for (const r of batch) {
      buffer += list ? list.item(r, ctx, count) : stripBom(format.serialize(r, ctx));
      count++;
      if (buffer.length >= 65_536) {
        yield buffer;
        buffer = "";
      }
    }
  }
  buffer += (list ? list.tail(ctx, count) : "") + (wrap?.after ?? "");
  if (buffer) yield buffer;
}

/**
 * Records held ahead of the rendering. Enough that the next page's query starts while the
 * last records of this one are written; few enough that parsed records do not outlive the
 * young generation: held 1,000 deep they were promoted by the thousand, and a 100,000-record
 * export's peak RSS grew with its length.
 */
const READ_AHEAD = 128;

/**
 * Pulls `source` ahead of its consumer into a queue of at most `max` items, and hands the
 * consumer everything queued so far in one array. A consumer that finds the queue empty is
 * woken in the event loop's next turn, not at once: by then the pump has taken everything
 * the source had in memory (the rest of a database page) and has started the read that
 * needs I/O (the next page's query), which the database then runs while the consumer works
 * through the array. If the consumer stops early, the source is closed once its pending
 * read settles. A failure of the source reaches the consumer after the items before it.
 */
export async function* readAhead<T>(source: AsyncIterable<T>, max: number): AsyncGenerator<T[]> {
  const it = source[Symbol.asyncIterator]();
  let queue: T[] = [];
  let finished = false;
  let stopped = false;
  let failure: { error: unknown } | undefined;
  let consumer: (() => void) | undefined;
  let pump: (() => void) | undefined;
  let wakeScheduled = false;
  const wakeConsumer = () => {
    if (!consumer || wakeScheduled) return;
    wakeScheduled = true;
    setImmediate(() => {
      wakeScheduled = false;
      const w = consumer;
      consumer = undefined;
      w?.();
    });
  };
  const wakePump = () => {
    const w = pump;
    pump = undefined;
    w?.();
  };
  const pumping = (async () => {
    try {
      while (!stopped) {
        if (queue.length >= max) {
          await new Promise<void>((resolve) => (pump = resolve));
          continue;
        }
        const next = await it.next();
        if (next.done) break;
        queue.push(next.value);
        wakeConsumer();
      }
    } catch (error) {
      failure = { error };
    }
    finished = true;
    wakeConsumer();
  })();
  try {
    for (;;) {
      if (queue.length) {
        const batch = queue;
        queue = [];
        wakePump();
        yield batch;
      } else if (finished) {
        if (failure) throw failure.error;
        return;
      } else {
        await new Promise<void>((resolve) => (consumer = resolve));
      }
    }
  } finally {
    if (!finished) {
      stopped = true;
      wakePump();
      await pumping;
      await it.return?.();
    }
  }
}

function stripBom(s: string): string {
  return s.charCodeAt(0) === 0xfeff ? s.slice(1) : s;
}

/**
 * A strong validator for one rendering: the record and revision it came from, the format,
 * and a digest of the bytes, so a change of anything else that shapes the output (the
 * viewer's rights, subject names, settings, a JSONP callback) changes it too.
 */
export function representationTag(r: Pick<EPrint, "eprintid" | "rev_number">, variant: string, body: string | Buffer): string {
  const digest = (typeof body === "string" ? createHash("sha256").update(body, "utf8") : createHash("sha256").update(body)).digest("base64url").slice(0, 16);
  return `"${r.eprintid}-${r.rev_number}-${variant}-${digest}"`;
}

/**
 * The signposting `Link` header of an abstract page (EPrints 3.4.6+ Signposting.pm): the
 * object URI as `cite-as`, then `describedby` for each signposting format registered and
 * visible to all.
 */
export function signpostingLinks(r: Pick<EPrint, "eprintid">, ctx: FormatContext): string {
  const links = [`<${eprintUri(r, ctx)}>; rel="cite-as"`];
  signposted ??= FORMATS.filter((x) => x.signposting && x.visibility === "all").sort((a, b) => a.id.localeCompare(b.id));
  for (const f of signposted) links.push(`<${exportUrl(f, r, ctx)}>; rel="describedby"; type="${f.mediaType}"`);
  return links.join(", ");
}
let signposted: ExportFormat[] | undefined;
