/**
 * Who may do what, route by route: every route the app registers (seen as it is added,
 * through Fastify's initialization channel: hidden routes and plugin routes included) has
 * a row here giving the status each kind of caller gets. A route without a row fails the
 * first test, so a new route cannot ship without deciding who may call it.
 *
 * Callers: anonymous; the owner (alice, who deposited the record or whose account it is);
 * another depositor (bob); an editor; an admin; a revoked token; a malformed token.
 * Record routes act on an inbox item of alice's, made fresh for every cell, so writes in
 * one cell cannot change what the next one sees. HEAD routes answer as their GET does.
 */
import type { InjectOptions } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testApp, type TestApp } from "../support/app.js";
import { withRouteRecorder, type SeenRoute } from "./probes.js";

const CALLERS = ["anonymous", "owner", "other", "editor", "admin", "revoked", "malformed"] as const;
type Caller = (typeof CALLERS)[number];
type Expect = Record<Caller, number>;

let t: TestApp;
let routes: SeenRoute[];
let revokedToken: string;

beforeAll(async () => {
  ({ value: t, routes } = await withRouteRecorder(() => testApp({ VELLUM_RATE_LIMIT_ANONYMOUS: "0", VELLUM_RATE_LIMIT_TOKEN: "0" })));
  const r = await t.services.accounts.createToken(t.users.alice, "revoked");
  await t.services.accounts.revokeToken(r.id);
  revokedToken = r.token;
});
afterAll(async () => t?.close());

function authorization(caller: Caller): Record<string, string> {
  switch (caller) {
    case "anonymous":
      return {};
    case "owner":
      return { authorization: `Bearer ${t.tokens.alice}` };
    case "other":
      return { authorization: `Bearer ${t.tokens.bob}` };
    case "editor":
    case "admin":
      return { authorization: `Bearer ${t.tokens[caller]}` };
    case "revoked":
      return { authorization: `Bearer ${revokedToken}` };
    case "malformed":
      return { authorization: "Bearer vel_not-a-real-token" };
  }
}

/** What a cell works on: a fresh inbox record of alice's, and a fresh token of hers. */
interface Fixture {
  id: number;
  etag: string;
  tokenId: number;
}

async function fixture(): Promise<Fixture> {
  const res = await t.request({ method: "POST", url: "/api/eprints", as: "alice", payload: { type: "article", title: "Alice's draft", creators: [{ name: { family: "Private" }, id: "private.person@example.org" }] } });
  const token = await t.services.accounts.createToken(t.users.alice, "to revoke");
  return { id: res.json().eprintid, etag: res.headers.etag as string, tokenId: token.id };
}

/** Every caller the same status; a bad token is refused before anything else happens. */
const all = (status: number, badToken = 401): Expect => ({ anonymous: status, owner: status, other: status, editor: status, admin: status, revoked: badToken, malformed: badToken });
/** Routes of a private record: the owner and staff see it; to anyone else it does not exist. */
const privateRecord = (ok: number): Expect => ({ anonymous: 404, owner: ok, other: 404, editor: ok, admin: ok, revoked: 401, malformed: 401 });
/** Writes to a private record: anonymous callers must sign in first. */
const privateWrite = (ok: number): Expect => ({ ...privateRecord(ok), anonymous: 401 });
/** EPrints' REST API shows items not yet live to staff only, their depositor included. */
const staffOnly = (ok: number): Expect => ({ anonymous: 404, owner: 404, other: 404, editor: ok, admin: ok, revoked: 401, malformed: 401 });
const adminOnly = (ok: number): Expect => ({ anonymous: 401, owner: 403, other: 403, editor: 403, admin: ok, revoked: 401, malformed: 401 });

interface Row {
  request(f: Fixture): InjectOptions;
  expect: Expect;
}

const get = (url: (f: Fixture) => string, headers: Record<string, string> = {}) => (f: Fixture): InjectOptions => ({ method: "GET", url: url(f), headers });
const json = { accept: "application/json" };

/** `METHOD /route` → how to call it and what each caller gets. */
const TABLE: Record<string, Row> = {
  // the front page, the process and its documentation
  "GET /": { request: get(() => "/"), expect: all(200) },
  "GET /healthz": { request: get(() => "/healthz"), expect: all(200) },
  "GET /readyz": { request: get(() => "/readyz"), expect: all(200) },
  "GET /openapi.json": { request: get(() => "/openapi.json"), expect: all(200) },
  // swagger-ui registers GET /docs for both spellings, but HEAD for each
  "GET /docs": { request: get(() => "/docs"), expect: all(200) },
  "HEAD /docs/": { request: () => ({ method: "HEAD", url: "/docs/" }), expect: all(200) },
  "GET /docs/static/index.html": { request: get(() => "/docs/static/index.html"), expect: all(302) },
  "GET /docs/static/swagger-initializer.js": { request: get(() => "/docs/static/swagger-initializer.js"), expect: all(200) },
  "GET /docs/json": { request: get(() => "/docs/json"), expect: all(200) },
  "GET /docs/yaml": { request: get(() => "/docs/yaml"), expect: all(200) },
  "GET /docs/static/*": { request: get(() => "/docs/static/swagger-ui.css"), expect: all(200) },
  // CORS preflight: answered before any credentials are read
  "OPTIONS *": {
    request: () => ({ method: "OPTIONS", url: "/api/eprints", headers: { origin: "https://elsewhere.example", "access-control-request-method": "GET" } }),
    expect: all(204, 204),
  },

  // the deposit API
  "POST /api/eprints": {
    request: () => ({ method: "POST", url: "/api/eprints", payload: { type: "article", title: "New" } }),
    expect: { anonymous: 401, owner: 201, other: 201, editor: 201, admin: 201, revoked: 401, malformed: 401 },
  },
  "GET /api/eprints": { request: get(() => "/api/eprints?limit=5"), expect: all(200) },
  "GET /api/eprints/:id": { request: get((f) => `/api/eprints/${f.id}`), expect: privateRecord(200) },
  "PUT /api/eprints/:id": {
    request: (f) => ({ method: "PUT", url: `/api/eprints/${f.id}`, payload: { type: "article", title: "Replaced" }, headers: { "if-match": f.etag } }),
    expect: privateWrite(200),
  },
  "PATCH /api/eprints/:id": {
    request: (f) => ({ method: "PATCH", url: `/api/eprints/${f.id}`, payload: { title: "Patched" }, headers: { "if-match": f.etag } }),
    expect: privateWrite(200),
  },
  "DELETE /api/eprints/:id": { request: (f) => ({ method: "DELETE", url: `/api/eprints/${f.id}`, headers: { "if-match": f.etag } }), expect: privateWrite(204) },
  "POST /api/eprints/:id/status": {
    request: (f) => ({ method: "POST", url: `/api/eprints/${f.id}/status`, payload: { eprint_status: "buffer" }, headers: { "if-match": f.etag } }),
    expect: privateWrite(200),
  },
  "GET /api/eprints/:id/revisions": { request: get((f) => `/api/eprints/${f.id}/revisions`), expect: privateRecord(200) },
  "GET /api/eprints/:id/revisions/:n": { request: get((f) => `/api/eprints/${f.id}/revisions/1`), expect: privateRecord(200) },
  "POST /api/import": {
    request: () => ({ method: "POST", url: "/api/import", payload: "@article{k, title={Imported}}\n", headers: { "content-type": "application/x-bibtex" } }),
    expect: { anonymous: 401, owner: 200, other: 200, editor: 200, admin: 200, revoked: 401, malformed: 401 },
  },

  // users and tokens
  "POST /api/users": {
    request: () => ({ method: "POST", url: "/api/users", payload: { username: `u${Math.random().toString(36).slice(2, 10)}`, email: "new.user@example.org" } }),
    expect: adminOnly(201),
  },
  "GET /api/users/:id": {
    request: get(() => `/api/users/${t.users.alice}`),
    expect: { anonymous: 401, owner: 200, other: 403, editor: 403, admin: 200, revoked: 401, malformed: 401 },
  },
  "POST /api/users/:id/tokens": {
    request: () => ({ method: "POST", url: `/api/users/${t.users.alice}/tokens`, payload: { label: "cli" } }),
    expect: { anonymous: 401, owner: 201, other: 403, editor: 403, admin: 201, revoked: 401, malformed: 401 },
  },
  // revoking is the admin's: not even the token's owner may (see the report)
  "DELETE /api/tokens/:id": { request: (f) => ({ method: "DELETE", url: `/api/tokens/${f.tokenId}` }), expect: adminOnly(204) },

  // subjects, browse views, search-side feeds
  "GET /api/subjects": { request: get(() => "/api/subjects"), expect: all(200) },
  "GET /api/subjects/:id": { request: get(() => "/api/subjects/QA75"), expect: all(200) },
  "PUT /api/subjects/:id": {
    request: () => ({ method: "PUT", url: "/api/subjects/QA75", payload: { name: [{ name: "Computer software", lang: "en" }], parents: ["QA"] } }),
    expect: adminOnly(200),
  },
  "GET /api/subjects/:id/eprints": { request: get(() => "/api/subjects/QA75/eprints"), expect: all(200) },
  "GET /api/divisions/:id/eprints": { request: get(() => "/api/divisions/kent_cs/eprints"), expect: all(200) },
  "GET /api/years/:year/eprints": { request: get(() => "/api/years/2024/eprints"), expect: all(200) },
  "GET /api/changes": { request: get(() => "/api/changes"), expect: all(200) },
  "GET /api/export/:plugin": { request: get(() => "/api/export/JSON"), expect: all(200) },

  // EPrints' URL space
  "GET /id/eprint/:id": { request: get((f) => `/id/eprint/${f.id}`, json), expect: privateRecord(200) },
  "GET /id/eprint/:id/": { request: get((f) => `/id/eprint/${f.id}/`), expect: privateRecord(200) },
  "GET /cgi/export/eprint/:id/:plugin/:filename": { request: get((f) => `/cgi/export/eprint/${f.id}/JSON/x.js`), expect: privateRecord(200) },
  "GET /cgi/export/:id/:plugin/:filename": { request: get((f) => `/cgi/export/${f.id}/JSON/x.js`), expect: privateRecord(200) },
  "GET /rest": { request: get(() => "/rest"), expect: all(302) },
  "GET /rest/": { request: get(() => "/rest/"), expect: all(200) },
  "GET /rest/eprint": { request: get(() => "/rest/eprint"), expect: all(302) },
  "GET /rest/eprint/": { request: get(() => "/rest/eprint/"), expect: all(200) },
  "GET /rest/eprint/:file": { request: get((f) => `/rest/eprint/${f.id}.xml`), expect: staffOnly(200) },
  "GET /rest/eprint/:id/": { request: get((f) => `/rest/eprint/${f.id}/`), expect: staffOnly(200) },
  "GET /rest/eprint/:id/:file": { request: get((f) => `/rest/eprint/${f.id}/title.txt`), expect: staffOnly(200) },

  // OAI-PMH serves public data and reads no credentials at all (harvesters may send Basic)
  "GET /cgi/oai2": { request: get(() => "/cgi/oai2?verb=Identify"), expect: all(200, 200) },
  "POST /cgi/oai2": {
    request: () => ({ method: "POST", url: "/cgi/oai2", payload: "verb=Identify", headers: { "content-type": "application/x-www-form-urlencoded" } }),
    expect: all(200, 200),
  },
};

/** The row for a registered route: its own, or for HEAD its GET's. */
function rowOf(r: SeenRoute): Row | undefined {
  const own = TABLE[`${r.method} ${r.url}`];
  if (own) return own;
  if (r.method === "HEAD") {
    const row = TABLE[`GET ${r.url}`];
    if (row) return { request: (f) => ({ ...row.request(f), method: "HEAD" }), expect: row.expect };
  }
  return undefined;
}

describe("authorisation, route by route", () => {
  it("has a row for every route the app registers, and no row for a route that is gone", () => {
    expect(routes.length).toBeGreaterThan(40);
    const missing = routes.filter((r) => !rowOf(r)).map((r) => `${r.method} ${r.url}`);
    expect(missing, "routes with no row in TABLE: decide who may call them").toEqual([]);
    const registered = new Set(routes.map((r) => `${r.method} ${r.url}`));
    expect(Object.keys(TABLE).filter((k) => !registered.has(k))).toEqual([]);
  });

  it("gives every caller of every route the status its row says", { timeout: 120_000 }, async () => {
    const wrong: string[] = [];
    let cells = 0;
    // a route without a row is the first test's failure
    for (const r of routes.filter((x) => rowOf(x))) {
      const row = rowOf(r)!;
      for (const caller of CALLERS) {
        const req = row.request(await fixture());
        const res = await t.app.inject({ ...req, headers: { ...(req.headers as Record<string, string>), ...authorization(caller) } });
        cells++;
        if (res.statusCode !== row.expect[caller]) wrong.push(`${r.method} ${r.url} as ${caller}: expected ${row.expect[caller]}, got ${res.statusCode} ${res.body.slice(0, 120)}`);
        if (res.statusCode >= 400 && r.method !== "HEAD") expect(String(res.headers["content-type"]), `${r.method} ${r.url} as ${caller}`).toMatch(/^application\/problem\+json/);
        if (res.statusCode === 401) expect(res.headers["www-authenticate"], `${r.method} ${r.url} as ${caller}`).toMatch(/^Bearer/);
      }
    }
    expect(wrong).toEqual([]);
    expect(cells).toBe(routes.filter((x) => rowOf(x)).length * CALLERS.length);
    console.log(`authorisation: ${routes.length} routes × ${CALLERS.length} callers = ${cells} cells checked`);
  });
});
