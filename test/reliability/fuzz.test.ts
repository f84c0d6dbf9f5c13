/**
 * Hostile input, property-based: requests generated from the OpenAPI document (every path
 * and method the app declares) with wrong types, huge strings, invalid UTF-8, deep JSON,
 * bad Accept / Content-Type / If-Match / Authorization headers, forged cursors and tokens,
 * and malformed OAI-PMH arguments. Whatever arrives, the answer is never a 5xx: it is a
 * success, a problem+json document that says what was wrong, or (on /cgi/oai2) an OAI-PMH
 * document. Deterministic (fixed seed); about 12,000 requests.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { InjectOptions, LightMyRequestResponse } from "fastify";
import { FORMATS } from "../../src/formats/registry.js";
import { ARGUMENTS, VERBS } from "../../src/oai/args.js";
import { testApp, type TestApp } from "../support/app.js";
import { exampleRecords } from "../support/examples.js";
import { fastifyPath, oaiDefect, operationsOf, problemDefect, withRouteRecorder, type JsonSchema, type Operation, type Param, type SeenRoute } from "./probes.js";

const SEED = 20_260_301;
/** Requests per property run; a run's requests go out concurrently, as clients' do. */
const BATCH = 16;

let t: TestApp;
let ops: Operation[];
/** Real tokens to mutate: a search cursor, a change-feed position, OAI resumption tokens. */
const real = { cursor: "", since: "", oaiToken: "" };
let revoked = "";
/** Token ids the fuzzer must not revoke (the role tokens it authenticates with). */
let protectedTokenIds = new Set<number>();
const tally = {
  requests: 0,
  byStatus: new Map<number, number>(),
  fiveHundreds: [] as string[],
  /** Distinct defects (route, status, what was wrong) with how often and one request that showed it. */
  defects: new Map<string, { count: number; example: string }>(),
  slowest: [] as [number, string][],
};

beforeAll(async () => {
  // a small OAI page, so a few records give a real resumption token
  let routes: SeenRoute[];
  ({ value: t, routes } = await withRouteRecorder(() => testApp({ VELLUM_OAI_PAGE_SIZE: "2", VELLUM_RATE_LIMIT_ANONYMOUS: "0", VELLUM_RATE_LIMIT_TOKEN: "0" })));
  for (const r of (await exampleRecords()).values()) await t.services.eprints.putPreserved(r, null);
  await t.request({ method: "POST", url: "/api/eprints", as: "alice", payload: { type: "article", title: "Alice's draft" } });
  ops = operationsOf(t.app.swagger() as never);
  // routes the document hides (legacy URLs, redirects) are fuzzed too, their parameters as strings
  const documented = new Set(ops.map((o) => `${o.method} ${fastifyPath(o.path)}`));
  for (const r of routes) {
    if (documented.has(`${r.method} ${r.url}`) || r.method === "HEAD" || r.url === "*" || r.url.startsWith("/docs")) continue;
    const path = r.url.replace(/:([A-Za-z_]+)/g, "{$1}");
    const params = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => ({ name: m[1]!, in: "path" as const, schema: { type: "string" }, required: true }));
    ops.push({ method: r.method, path, params });
  }

  real.cursor = (await t.request({ method: "GET", url: "/api/eprints?limit=1" })).json().next;
  real.since = (await t.request({ method: "GET", url: "/api/changes?limit=1" })).json().next;
  const oai = await t.request({ method: "GET", url: "/cgi/oai2?verb=ListIdentifiers&metadataPrefix=oai_dc" });
  real.oaiToken = /<resumptionToken[^>]*>([^<]+)</.exec(oai.body)?.[1] ?? "";
  expect(real.cursor && real.since && real.oaiToken).toBeTruthy();

  const bob = t.users.bob;
  const gone = await t.services.accounts.createToken(bob, "revoked");
  await t.services.accounts.revokeToken(gone.id);
  revoked = gone.token;
  const { rows } = await t.services.db.pool.query("SELECT id FROM api_token WHERE revoked IS NULL");
  protectedTokenIds = new Set(rows.map((r) => r.id as number));
});

afterAll(async () => {
  const statuses = [...tally.byStatus.entries()].sort((a, b) => a[0] - b[0]).map(([s, n]) => `${s}:${n}`).join(" ");
  console.log(`fuzz: ${tally.requests} requests, ${tally.fiveHundreds.length} 5xx; statuses ${statuses}`);
  if (process.env.FUZZ_VERBOSE) console.log(tally.slowest.sort((a, b) => b[0] - a[0]).slice(0, 15).map(([ms, r]) => `${ms} ms ${r}`).join("\n"));
  await t?.close();
});

// ---------------------------------------------------------------------------------------
// values

/** Strings that have broken parsers before: numbers at the edges, injections, dates that are not. */
const NASTY = [
  "", " ", "0", "-1", "-0", "1.5", "1e309", "NaN", "Infinity", "0x1F", "2147483647", "2147483648", "9007199254740993", "99999999999999999999999999",
  "null", "true", "[]", "{}", "[object Object]", "__proto__", "constructor", "prototype", "toString",
  "<script>alert(1)</script>", "' OR '1'='1", "'; DROP TABLE eprint; --", "$(id)", "${7*7}", "{{7*7}}", "\\", "\\u0000",
  "a,b,,c", ",,,", "*", "-", "--", "\"unterminated", "(((", ")", "&", "|", "!", ":*", "a:*", "a & b | !c", "a <-> b", "\"\"", "-\"\"",
  "1970-01-01", "0000-00-00", "2024-02-30", "9999-12-31T23:59:60Z", "+275760-09-13", "2024-13-01T25:61:61+99:99", "2024-01-01T00:00:00.1234567Z",
  "relevance", "-title", "type,year,subject,division,ispublished,nope", "archive", "inbox", "deletion", "article",
  "\u0000", "\u0001\u0002", "\u001f", "\u007f", "\u0085", "\u00a0", "\u200b", "\u202e", "\ufeff", "\uffff", "\ufffe", "\ud800", "\udfff", "\ud83d", "😀", "e\u0301", "İ", "ß", "ﬀ",
  "..", "../../etc/passwd", "%2e%2e%2f", "/", "//", "?", "#", "=", "+", ";",
];
/** Percent-encodings of bytes that are not UTF-8 (overlong, surrogates, out of range, truncated) and of NUL. */
const RAW_PERCENT = ["%", "%%", "%G0", "%00", "%FF", "%FE%FF", "%C0%AF", "%C0%80", "%ED%A0%80", "%F4%90%80%80", "%E2%82", "%80", "%C3%28", "%F8%88%80%80%80", "a%ZZb"];

function encodeLoose(s: string): string {
  try {
    return encodeURIComponent(s);
  } catch {
    // lone surrogates: encode the bytes a sloppy client would send
    return [...Buffer.from(s, "utf8")].map((b) => `%${b.toString(16).padStart(2, "0").toUpperCase()}`).join("");
  }
}

const hugeText = fc
  .tuple(fc.integer({ min: 1_000, max: 100_000 }), fc.constantFrom("a", "é", "😀", "%", " ", "a ", "\"", "-", "a*", "(", "<", "a,"))
  .map(([n, unit]) => unit.repeat(Math.ceil(n / unit.length)));

const text: fc.Arbitrary<string> = fc.oneof(
  { weight: 16, arbitrary: fc.constantFrom(...NASTY) },
  { weight: 12, arbitrary: fc.string({ maxLength: 30 }) },
  { weight: 8, arbitrary: fc.string({ unit: "binary", maxLength: 20 }) },
  { weight: 3, arbitrary: fc.stringMatching(/^[\ud800-\udfff]{1,4}$/) },
  { weight: 1, arbitrary: hugeText },
);

/** A piece of a URL, already encoded (or deliberately mis-encoded). */
const urlPiece: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: text.map(encodeLoose) },
  { weight: 2, arbitrary: fc.constantFrom(...RAW_PERCENT) },
  { weight: 1, arbitrary: fc.uint8Array({ minLength: 1, maxLength: 12 }).map((b) => [...b].map((x) => `%${x.toString(16).padStart(2, "0")}`).join("")) },
);

/** Values a parameter of this schema might plausibly get, so that deeper code is reached. */
function plausible(p: Param): fc.Arbitrary<string> {
  const s = p.schema;
  const options: fc.Arbitrary<string>[] = [];
  const schemas = s.anyOf ?? [s];
  for (const x of schemas) {
    if (x.enum) options.push(fc.constantFrom(...x.enum.map(String)));
    if (x.type === "integer" || x.type === "number") options.push(fc.integer({ min: -3, max: 120_000 }).map(String), fc.constantFrom("1", "2", "101", "102", "112479", "113"));
  }
  if (p.name === "cursor") options.push(fc.constant(real.cursor), mutatedToken(() => real.cursor));
  if (p.name === "since" && p.in === "query") options.push(fc.constant(real.since), mutatedToken(() => real.since), fc.constantFrom("2020-01-01", "2020-01-01T00:00:00Z"));
  if (p.name === "plugin" || p.name === "format") options.push(fc.constantFrom(...FORMATS.map((f) => f.id), "json", "BIBTEX", "SummaryPage"));
  if (p.name === "id" && p.in === "path") options.push(fc.constantFrom("1", "101", "112479", "113", "00101", "subjects", "divisions", "QA75", "kent_cs", "ROOT"));
  if (p.name === "file") options.push(fc.constantFrom("101.xml", "101", "title.txt", "contact_email.txt", "creators.txt", "x.txt"));
  if (p.name === "year") options.push(fc.constantFrom("2009", "0000", "9999"));
  if (p.name === "subject" || p.name === "division") options.push(fc.constantFrom("QA75", "kent_cs", "QA75,QA76", "subjects"));
  if (p.name === "q") options.push(fc.constantFrom("graph", "\"neural networks", "a* OR -b", "or or or", "-", "!!", "\"\"", "'", ":", "&&", "\\"));
  if (p.name === "facets") options.push(fc.constantFrom("type", "type,year,subject,division,ispublished", "type,type", ""));
  return options.length ? fc.oneof(...options.map((o) => o.map(encodeLoose))) : text.map(encodeLoose);
}

/** A real token, cut, flipped, re-signed with garbage, or re-encoded. */
function mutatedToken(of: () => string): fc.Arbitrary<string> {
  return fc.tuple(fc.nat(), fc.constantFrom("cut", "flip", "swapmac", "dup", "body", "b64json")).map(([n, how]) => {
    const tok = of();
    const i = tok.length ? n % tok.length : 0;
    const dot = tok.lastIndexOf(".");
    switch (how) {
      case "cut":
        return tok.slice(0, i);
      case "flip":
        return tok.slice(0, i) + (tok[i] === "A" ? "B" : "A") + tok.slice(i + 1);
      case "swapmac":
        return `${tok.slice(0, dot)}.AAAAAAAAAAAAAAAAAAAAAA`;
      case "dup":
        return `${tok}.${tok}`;
      case "body":
        return tok.slice(0, dot);
      default:
        // a well-formed body with a wrong MAC: the payload must never be trusted
        return `${Buffer.from(JSON.stringify({ t: "oai", after: -1, cursor: 1e300, verb: "ListRecords", metadataPrefix: "oai_dc", exp: 9e15 })).toString("base64url")}.${tok.slice(dot + 1)}`;
    }
  });
}

// ---------------------------------------------------------------------------------------
// headers

const MEDIA = [
  "application/json", "application/json; charset=utf-8", "application/json; charset=latin1", "application/json; charset=\"", "application/merge-patch+json",
  "text/plain", "text/html", "application/xml", "text/xml", "application/x-bibtex", "application/vnd.eprints.data+xml",
  "multipart/form-data; boundary=xyz", "multipart/form-data", "application/x-www-form-urlencoded", "application/octet-stream",
  "", "*/*", "application/*", "garbage", "a/b/c", "/", ";", "application/json;;;", "APPLICATION/JSON", "application/problem+json",
];
const ACCEPTS = [
  "*/*", "text/html", "application/json", "application/ld+json", "text/turtle", "application/x-bibtex", "application/x-eprints-export-bibtex", "text/csv;q=0.5, */*;q=0.1",
  "application/json;q=0", "*/*;q=0", "application/json;q=2", "application/json;q=-1", "application/json;q=abc", "text/*", "*/json", "image/png",
  "a".repeat(10_000), "*/*,".repeat(5_000), "application/json;x=\"".repeat(200), "\"".repeat(3_000), ",", ";;", "application/json; charset=\"a,b\"",
];

/** A header value as a server sees it: any bytes (UTF-8 read as latin1), no CR, LF or NUL. */
const headerText = text.map((s) => Buffer.from(s, "utf8").toString("latin1").replace(/[\r\n\0]/g, ""));

type Role = "anonymous" | "admin" | "editor" | "alice" | "bob";

const authorization: fc.Arbitrary<{ role?: Role; header?: string }> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom<Role>("anonymous", "admin", "editor", "alice", "bob").map((role) => ({ role })) },
  {
    weight: 3,
    arbitrary: fc.oneof(
      fc.constant("REVOKED"),
      fc.constantFrom("Bearer", "Bearer ", "bearer", "Basic YWxpY2U6c2VjcmV0", "Digest x", "Bearer vel_", "Bearer vel_short", "Bearer a b", "Bearer\tvel_x", "Token abc", "Bearer " + "x".repeat(20_000)),
      fc.stringMatching(/^[A-Za-z0-9_-]{43}$/).map((s) => `Bearer vel_${s}`),
      headerText.map((s) => `Bearer ${s}`),
      headerText,
    ).map((header) => ({ header })),
  },
);

const headers = fc.record(
  {
    accept: fc.oneof(fc.constantFrom(...ACCEPTS), headerText),
    "content-type": fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...MEDIA) }, { weight: 1, arbitrary: headerText }),
    "if-match": fc.oneof(fc.constantFrom("*", "\"101-1\"", "W/\"101-1\"", "\"1-1\", \"2-2\"", "\"", "W/", ",,,", "\"101-1"), headerText),
    "if-none-match": fc.oneof(fc.constantFrom("*", "\"101-1\"", "W/\"x\""), headerText),
    "if-modified-since": fc.oneof(fc.constantFrom("Thu, 01 Jan 1970 00:00:00 GMT", "yesterday", "9999999999999", "Sat, 31 Dec 275760 00:00:00 GMT"), headerText),
    "x-request-id": headerText,
    "accept-encoding": fc.constantFrom("gzip", "br", "identity;q=0", "*;q=0", "x".repeat(500)),
  },
  { requiredKeys: [] },
);

// ---------------------------------------------------------------------------------------
// bodies

/** A value of the wrong type for a property, or a plausible one. */
const jsonJunk: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(null, true, false, 0, -1, 1.5, 1e308, -1e308, "", [], {}, [null], { "": "" }, "x".repeat(70_000), [[[[[]]]]]),
  fc.string({ unit: "binary", maxLength: 30 }),
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom({ __proto__: { admin: true } }, JSON.parse('{"__proto__": {"polluted": 1}}'), JSON.parse('{"constructor": {"prototype": {"polluted": 1}}}')),
);

function bodyFromSchema(schema: JsonSchema | undefined): fc.Arbitrary<unknown> {
  const props = Object.keys(schema?.properties ?? {});
  if (!props.length) return fc.dictionary(fc.string({ maxLength: 10 }), jsonJunk, { maxKeys: 4 });
  // mostly declared fields, each with a junk value or a value that is nearly right
  return fc.dictionary(fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...props) }, { weight: 1, arbitrary: fc.string({ maxLength: 10 }) }), jsonJunk, { maxKeys: 6 });
}

/** Nesting `depth` deep, as JSON text. */
function deep(depth: number, kind: "array" | "object" | "mixed", inside: "title" | "bare"): string {
  const open = kind === "array" ? "[" : kind === "object" ? '{"a":' : '[{"a":';
  const close = kind === "array" ? "]" : kind === "object" ? "}" : "}]";
  const n = kind === "mixed" ? Math.ceil(depth / 2) : depth;
  const core = `${open.repeat(n)}1${close.repeat(n)}`;
  return inside === "title" ? `{"type":"article","title":${core}}` : core;
}

type Body = { payload?: string | Buffer; contentType?: string };

function body(op: Operation): fc.Arbitrary<Body> {
  return fc.oneof(
    { weight: 8, arbitrary: fc.constant<Body>({}) },
    { weight: 20, arbitrary: bodyFromSchema(op.body).map((v) => ({ payload: JSON.stringify(v), contentType: "application/json" })) },
    { weight: 8, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((v) => ({ payload: JSON.stringify(v), contentType: "application/json" })) },
    {
      weight: 3,
      arbitrary: fc
        .tuple(fc.integer({ min: 1_000, max: 100_000 }), fc.constantFrom("array", "object", "mixed") as fc.Arbitrary<"array" | "object" | "mixed">, fc.constantFrom("title", "bare") as fc.Arbitrary<"title" | "bare">)
        .map(([d, k, w]) => ({ payload: deep(d, k, w), contentType: "application/json" })),
    },
    { weight: 4, arbitrary: fc.uint8Array({ maxLength: 300 }).map((b) => ({ payload: Buffer.from(b) })) },
    { weight: 4, arbitrary: fc.constantFrom('{"title":"\xff\xfe"}', '{"title":"\\ud800"}', '{"a":1,"a":2}', "{", "[", '"', "nul", "1e999999", "-", '{"title":"x"}garbage', "\u0000").map((p) => ({ payload: p })) },
    {
      weight: 4,
      arbitrary: fc.constantFrom(
        '{"type":"article","title":"\\ud83d"}',
        Buffer.concat([Buffer.from('{"type":"article","title":"'), Buffer.from([0xc3, 0x28, 0xff, 0xed, 0xa0, 0x80]), Buffer.from('"}')]),
        Buffer.from('{"type":"article","title":"x"}', "utf16le"),
        Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"type":"article"}')]),
      ).map((p) => ({ payload: p, contentType: "application/json" })),
    },
    // over the 5 MiB body limit
    { weight: 1, arbitrary: fc.integer({ min: 5 * 1024 * 1024 + 1, max: 5 * 1024 * 1024 + 100_000 }).map((n) => ({ payload: `{"title":"${"x".repeat(n)}"}`, contentType: "application/json" })) },
  );
}

// ---------------------------------------------------------------------------------------
// requests

interface Req {
  label: string;
  opts: InjectOptions;
  oai: boolean;
}

function authHeaders(a: { role?: Role; header?: string }): Record<string, string> {
  if (a.header === "REVOKED") return { authorization: `Bearer ${revoked}` };
  if (a.header !== undefined) return { authorization: a.header };
  if (!a.role || a.role === "anonymous") return {};
  return { authorization: `Bearer ${t.tokens[a.role]}` };
}

function operationRequest(op: Operation): fc.Arbitrary<Req> {
  const pathParams = op.params.filter((p) => p.in === "path");
  const queryParams = op.params.filter((p) => p.in === "query");
  const pathValues = fc.tuple(...pathParams.map((p) => fc.oneof({ weight: 3, arbitrary: plausible(p) }, { weight: 2, arbitrary: urlPiece })));
  const query = fc.array(
    fc.oneof(
      { weight: 5, arbitrary: queryParams.length ? fc.constantFrom(...queryParams).chain((p) => fc.tuple(fc.constant(encodeLoose(p.name)), fc.oneof(plausible(p), urlPiece))) : fc.tuple(urlPiece, urlPiece) },
      { weight: 1, arbitrary: fc.tuple(urlPiece, urlPiece) },
      { weight: 1, arbitrary: fc.constantFrom<[string, string]>(["", ""], ["=", "="], ["a", "b=c"], ["%", ""], ["limit", "1&limit=2"], ["limit[]", "1"], ["limit[a]", "1"]) },
    ),
    { maxLength: 5 },
  );
  return fc
    .record({
      path: pathValues,
      query,
      headers,
      auth: authorization,
      body: body(op),
      method: fc.oneof({ weight: 9, arbitrary: fc.constant(op.method) }, { weight: 1, arbitrary: fc.constantFrom("HEAD", "OPTIONS", "TRACE", "PATCH", "DELETE", "PUT", "POST") }),
    })
    .map(({ path, query, headers: h, auth, body: b, method }) => {
      let i = 0;
      let url = op.path.replace(/\{[^}]+\}/g, () => path[i++] ?? "x");
      // never revoke the tokens the fuzzer itself signs in with
      if (op.path === "/api/tokens/{id}" && protectedTokenIds.has(Number(path[0]))) url = "/api/tokens/999999";
      if (query.length) url += `?${query.map(([k, v]) => `${k}=${v}`).join("&")}`;
      const hs: Record<string, string> = { ...h, ...authHeaders(auth) };
      if (b.contentType && h["content-type"] === undefined) hs["content-type"] = b.contentType;
      if (b.payload === undefined) delete hs["content-type"];
      const opts: InjectOptions = { method: method as InjectOptions["method"], url, headers: hs, ...(b.payload !== undefined ? { payload: b.payload } : {}) };
      return { label: `${op.method} ${fastifyPath(op.path)}`, opts, oai: op.path === "/cgi/oai2" && ["GET", "HEAD", "POST"].includes(method) };
    });
}

/** OAI-PMH arguments: real and junk verbs, every argument name, dates, sets, identifiers, forged tokens. */
const oaiValue = fc.oneof(
  fc.constantFrom(...VERBS, "oai_dc", "didl", "mets", "oai_bibliography", "uketd_dc", "nope", "oai_dc\u0000"),
  fc.constantFrom("oai:kar.kent.ac.uk:101", "oai:kar.kent.ac.uk:113", "oai:kar.kent.ac.uk:0", "oai:kar.kent.ac.uk:99999999999", "oai:other:1", "oai:kar.kent.ac.uk:1\u0001"),
  fc.constantFrom("2000-01-01", "2000-01-01T00:00:00Z", "2000-01-01T00:00:00", "2000-13-01", "0000-01-01", "99999-01-01", "2000-01-01T25:00:00Z", "2000-01-01T00:00:00.5Z", "2000-01-01t00:00:00z"),
  fc.constantFrom("status", "status:archive", "types", "types:article", "subjects", "subjects:QA75", "divisions:kent_cs", "driver", "74797065733D61727469636C65", "7", "::", ":", "zz", "7375626A65637473"),
  fc.constant("TOKEN"),
  mutatedToken(() => real.oaiToken),
  text,
);
const oaiPair = fc.tuple(fc.oneof({ weight: 4, arbitrary: fc.constantFrom("verb", ...ARGUMENTS) }, { weight: 1, arbitrary: text }), oaiValue);

const oaiRequest: fc.Arbitrary<Req> = fc
  .record({
    pairs: fc.array(oaiPair, { maxLength: 6 }),
    post: fc.boolean(),
    contentType: fc.oneof({ weight: 5, arbitrary: fc.constant("application/x-www-form-urlencoded") }, { weight: 1, arbitrary: fc.constantFrom(...MEDIA) }),
    raw: fc.option(fc.constantFrom(...RAW_PERCENT), { nil: undefined }),
    auth: authorization,
  })
  .map(({ pairs, post, contentType, raw, auth }) => {
    const qs = pairs.map(([k, v]) => `${encodeLoose(k)}=${encodeLoose(v === "TOKEN" ? real.oaiToken : v)}`).join("&") + (raw ? `&${raw}=${raw}` : "");
    const hs = authHeaders(auth);
    const opts: InjectOptions = post
      ? { method: "POST", url: "/cgi/oai2", payload: qs, headers: { ...hs, "content-type": contentType } }
      : { method: "GET", url: `/cgi/oai2?${qs}`, headers: hs };
    return { label: `${opts.method} /cgi/oai2`, opts, oai: true };
  });

async function send(r: Req): Promise<LightMyRequestResponse> {
  const started = performance.now();
  const res = await t.app.inject(r.opts);
  const ms = performance.now() - started;
  if (ms > 200) tally.slowest.push([Math.round(ms), describeReq(r).slice(0, 300)]);
  tally.requests++;
  tally.byStatus.set(res.statusCode, (tally.byStatus.get(res.statusCode) ?? 0) + 1);
  return res;
}

function describeReq(r: Req): string {
  const o = r.opts;
  const p = o.payload === undefined ? "" : ` body(${Buffer.byteLength(o.payload as string | Buffer)}B): ${String(o.payload).slice(0, 120)}`;
  const hs = Object.entries(o.headers ?? {}).map(([k, v]) => `${k}: ${String(v).slice(0, 80)}${String(v).length > 80 ? `…(${String(v).length})` : ""}`);
  return `${o.method} ${String(o.url).slice(0, 200)}${String(o.url).length > 200 ? `…(${String(o.url).length})` : ""} {${hs.join("; ")}}${p}`;
}

async function checkAll(reqs: Req[]): Promise<void> {
  const results = await Promise.all(reqs.map(async (r) => [r, await send(r)] as const));
  for (const [r, res] of results) {
    const defect = r.oai ? oaiDefect(res, String(r.opts.method)) : problemDefect(res, String(r.opts.method));
    if (res.statusCode >= 500) tally.fiveHundreds.push(`${r.label}: ${describeReq(r)}`);
    if (!defect) continue;
    const key = `${r.label} → ${defect.replace(/\d{3,}|"[^"]*"/g, "…").slice(0, 90)}`;
    const seen = tally.defects.get(key);
    if (seen) seen.count++;
    else tally.defects.set(key, { count: 1, example: `${defect.slice(0, 400)}\n    request: ${describeReq(r)}` });
  }
}

function defectReport(): string[] {
  return [...tally.defects.entries()].map(([k, v]) => `${k} (×${v.count})\n    ${v.example}`);
}

/**
 * Runs `numRuns` batches with the fixed seed. Every request is checked and every distinct
 * defect kept (so one run shows all that is wrong, not the first thing), then the test
 * asserts there were none.
 */
async function holds(property: fc.IAsyncProperty<[Req[]]>, numRuns: number): Promise<void> {
  const out = await fc.check(property, { seed: SEED, numRuns, endOnFailure: true });
  if (out.failed) throw out.errorInstance;
  const report = defectReport();
  tally.defects.clear();
  expect(report).toEqual([]);
}

describe("hostile input on every route", () => {
  it("covers every operation of the OpenAPI document, and the routes it hides", () => {
    expect(ops.length).toBeGreaterThanOrEqual(35);
    expect(ops.map((o) => `${o.method} ${o.path}`)).toEqual(
      expect.arrayContaining(["POST /api/eprints", "GET /cgi/oai2", "POST /cgi/oai2", "POST /api/import", "GET /api/changes", "GET /cgi/export/{id}/{plugin}/{filename}", "GET /openapi.json"]),
    );
  });

  it("answers malformed requests to every path and method with problem+json, never a 5xx", { timeout: 120_000 }, async () => {
    // every operation equally often, whatever its share of the document
    const anyRequest = fc.constantFrom(...ops).chain(operationRequest);
    await holds(fc.asyncProperty(fc.array(anyRequest, { minLength: BATCH, maxLength: BATCH }), async (reqs) => checkAll(reqs)), 560);
    expect(tally.fiveHundreds).toEqual([]);
  });

  it("answers malformed OAI-PMH arguments with the OAI error document", { timeout: 60_000 }, async () => {
    await holds(fc.asyncProperty(fc.array(oaiRequest, { minLength: BATCH, maxLength: BATCH }), async (reqs) => checkAll(reqs)), 160);
  });

  it("sent at least 10,000 requests, none answered 5xx", () => {
    expect(tally.requests).toBeGreaterThanOrEqual(10_000);
    expect(tally.fiveHundreds).toEqual([]);
  });
});
