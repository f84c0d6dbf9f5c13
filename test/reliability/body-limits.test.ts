/**
 * How large a request body each route takes, and that one byte more is a 413 problem
 * document. The table below is the README's; a route that sets a limit of its own and is
 * not in it fails the first test, so the table cannot fall behind the code.
 *
 * | route                                   | body                               | limit          | past it                                  |
 * |-----------------------------------------|------------------------------------|----------------|------------------------------------------|
 * | every JSON route (POST/PUT/PATCH …)     | application/json, merge-patch+json | 5 MiB          | 413 while reading                        |
 * | POST /cgi/oai2                          | application/x-www-form-urlencoded  | 64 KiB         | 413 while reading                        |
 * | POST /api/import                        | EP3 XML (streamed)                 | 2 GiB          | 413 at once if declared, else on reading |
 * | POST /api/import                        | BibTeX (read whole)                | 64 MiB         | 413 at once if declared, else on reading |
 * | DELETE, and paths with no route         | none expected                      | 5 MiB          | 413 while reading                        |
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AddressInfo } from "node:net";
import { testApp, type TestApp } from "../support/app.js";
import { fastifyPath, operationsOf, problemDefect, streamUpload, withRouteRecorder, type SeenRoute } from "./probes.js";

const MiB = 1024 ** 2;
const DEFAULT_LIMIT = 5 * MiB;
/** Routes with a bodyLimit of their own: `METHOD /path` → bytes. */
const OWN_LIMITS: Record<string, number> = {
  "POST /api/import": 2 * 1024 ** 3,
};
const LONG = process.env.VELLUM_LONG_TESTS === "1";

let t: TestApp;
let routes: SeenRoute[];

beforeAll(async () => {
  ({ value: t, routes } = await withRouteRecorder(() => testApp({ VELLUM_RATE_LIMIT_ANONYMOUS: "0", VELLUM_RATE_LIMIT_TOKEN: "0" })));
});
afterAll(async () => t?.close());

/** A JSON document of exactly `bytes` bytes. */
function jsonOf(bytes: number): string {
  const shell = '{"type":"article","title":""}';
  return `{"type":"article","title":"${"x".repeat(bytes - shell.length)}"}`;
}

function expect413(res: { statusCode: number; headers: Record<string, unknown>; body: string }, what: string) {
  expect(res.statusCode, `${what}: ${res.body.slice(0, 200)}`).toBe(413);
  expect(String(res.headers["content-type"])).toMatch(/^application\/problem\+json/);
  expect(JSON.parse(res.body)).toMatchObject({ status: 413, type: "/problems/too-large", detail: expect.any(String) });
}

describe("body size limits", () => {
  it("every route's limit is the default or listed in the table", () => {
    expect(routes.length).toBeGreaterThan(30);
    const own = routes.filter((r) => r.bodyLimit !== undefined).map((r) => `${r.method} ${r.url}`);
    expect(own.sort()).toEqual(Object.keys(OWN_LIMITS).sort());
    for (const r of routes) if (r.bodyLimit !== undefined) expect(r.bodyLimit, `${r.method} ${r.url}`).toBe(OWN_LIMITS[`${r.method} ${r.url}`]);
    expect(t.app.initialConfig.bodyLimit).toBe(DEFAULT_LIMIT);
  });

  it("every JSON route takes 5 MiB and answers 413 problem+json for one byte more", async () => {
    const ops = operationsOf(t.app.swagger() as never).filter((o) => o.body);
    expect(ops.length).toBeGreaterThanOrEqual(7);
    const { rows } = await t.services.db.pool.query("SELECT 1");
    expect(rows).toHaveLength(1);
    const id = (await t.request({ method: "POST", url: "/api/eprints", as: "alice", payload: { type: "article", title: "limits" } })).json().eprintid;
    const url = (path: string) => path.replace("{id}", path.startsWith("/api/subjects") ? "QA75" : path.startsWith("/api/users") ? String(t.users.alice) : String(id));
    for (const op of ops) {
      for (const type of op.method === "PATCH" ? ["application/json", "application/merge-patch+json"] : ["application/json"]) {
        const at = await t.request({ method: op.method as "POST", url: url(op.path), as: "admin", payload: jsonOf(DEFAULT_LIMIT), headers: { "content-type": type, "if-match": "*" } });
        expect(at.statusCode, `${op.method} ${op.path} at the limit`).not.toBe(413);
        expect(problemDefect(at, op.method)).toBeUndefined();
        const over = await t.request({ method: op.method as "POST", url: url(op.path), as: "admin", payload: jsonOf(DEFAULT_LIMIT + 1), headers: { "content-type": type, "if-match": "*" } });
        expect413(over, `${op.method} ${fastifyPath(op.path)} ${type}`);
      }
    }
  });

  it("routes that take no body still refuse more than 5 MiB of one", async () => {
    for (const [method, url] of [["DELETE", "/api/eprints/1"], ["DELETE", "/api/tokens/99"], ["DELETE", "/api/eprints/1/revisions"]] as const) {
      const res = await t.request({ method, url, as: "admin", payload: jsonOf(DEFAULT_LIMIT + 1), headers: { "content-type": "application/json" } });
      expect413(res, `${method} ${url}`);
    }
  });

  it("POST /cgi/oai2 takes a 64 KiB form and answers 413 problem+json past it", async () => {
    const form = (bytes: number) => {
      const head = "verb=Identify&pad=";
      return head + "x".repeat(bytes - head.length);
    };
    const at = await t.request({ method: "POST", url: "/cgi/oai2", payload: form(64 * 1024), headers: { "content-type": "application/x-www-form-urlencoded" } });
    expect(at.statusCode).toBe(200);
    expect(at.body).toContain('<error code="badArgument">');
    expect413(await t.request({ method: "POST", url: "/cgi/oai2", payload: form(64 * 1024 + 1), headers: { "content-type": "application/x-www-form-urlencoded" } }), "OAI form");
  });

  it("a BibTeX import takes 64 MiB: 413 problem+json on reading one byte more, and at once when the length is declared", async () => {
    const entry = "@article{k, title={A title}}\n";
    const at = `${"%".repeat(64 * MiB - entry.length - 1)}\n${entry}`;
    const ok = await t.request({ method: "POST", url: "/api/import", as: "alice", payload: at, headers: { "content-type": "application/x-bibtex" } });
    expect(ok.statusCode, ok.body.slice(0, 200)).toBe(200);
    expect(ok.json().created).toHaveLength(1);
    const over = await t.request({ method: "POST", url: "/api/import", as: "alice", payload: `%${at}`, headers: { "content-type": "application/x-bibtex" } });
    expect413(over, "BibTeX import");
  });

  it("an import declared over its limit is refused before a byte of it is read", async () => {
    await t.app.listen({ host: "127.0.0.1", port: 0 });
    const port = (t.app.server.address() as AddressInfo).port;
    const auth = { authorization: `Bearer ${t.tokens.alice}` };
    for (const [type, length] of [
      ["application/x-bibtex", 64 * MiB + 1],
      ["application/vnd.eprints.data+xml", 2 * 1024 ** 3 + 1],
    ] as const) {
      const r = await streamUpload({ port, path: "/api/import", headers: { ...auth, "content-type": type }, head: "", unit: "x", total: 0, declaredLength: length });
      expect(r.status, type).toBe(413);
      expect(r.headers["content-type"]).toMatch(/^application\/problem\+json/);
      expect(r.sent).toBe(0);
    }
  });

  it.skipIf(!LONG)("an EP3 XML import streamed past 2 GiB is cut off with 413 problem+json (VELLUM_LONG_TESTS=1)", { timeout: 600_000 }, async () => {
    const port = (t.app.server.address() as AddressInfo | null)?.port ?? (await t.app.listen({ host: "127.0.0.1", port: 0 }), (t.app.server.address() as AddressInfo).port);
    // whitespace between records: read and ignored, so only the byte count can stop it
    const r = await streamUpload({ port, path: "/api/import", headers: { authorization: `Bearer ${t.tokens.alice}`, "content-type": "application/vnd.eprints.data+xml" }, head: "<eprints>", unit: " ".repeat(1024), total: 2 * 1024 ** 3 + 4 * MiB });
    expect(r.status).toBe(413);
    expect(r.peakRssGrowth).toBeLessThan(160 * MiB);
  });
});
