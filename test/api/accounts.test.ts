import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashToken } from "../../src/accounts/accounts.js";
import { testApp, type TestApp } from "../support/app.js";

let t: TestApp;
beforeAll(async () => {
  t = await testApp({ VELLUM_ADMIN_TOKEN: "bootstrap-secret-0123456789" });
});
afterAll(async () => t?.close());

describe("users and tokens", () => {
  it("lets only admins create users", async () => {
    const body = { username: "carol", usertype: "editor", email: "carol@example.org", name: { family: "Jones", given: "Carol" } };
    expect((await t.request({ method: "POST", url: "/api/users", payload: body })).statusCode).toBe(401);
    expect((await t.request({ method: "POST", url: "/api/users", payload: body, as: "editor" })).statusCode).toBe(403);
    const res = await t.request({ method: "POST", url: "/api/users", payload: body, as: "admin" });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ username: "carol", usertype: "editor" });
    expect((await t.request({ method: "POST", url: "/api/users", payload: body, as: "admin" })).statusCode).toBe(409);
    const bad = await t.request({ method: "POST", url: "/api/users", payload: { username: "x y" }, as: "admin" });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].field).toBe("username");
  });

  it("shows a token once, stores only its hash, and accepts it until revoked", async () => {
    const user = (await t.request({ method: "POST", url: "/api/users", payload: { username: "dave" }, as: "admin" })).json();
    const created = await t.request({ method: "POST", url: `/api/users/${user.userid}/tokens`, payload: { label: "laptop" }, as: "admin" });
    expect(created.statusCode).toBe(201);
    expect(created.headers["cache-control"]).toBe("no-store");
    const { id, token } = created.json();
    const stored = await t.services.db.pool.query("SELECT hash FROM api_token WHERE id = $1", [id]);
    expect(stored.rows[0].hash).toBe(hashToken(token));
    const dump = JSON.stringify((await t.services.db.pool.query("SELECT * FROM api_token")).rows);
    expect(dump).not.toContain(token);
    const me = await t.app.inject({ method: "GET", url: `/api/users/${user.userid}`, headers: { authorization: `Bearer ${token}` } });
    expect(me.statusCode).toBe(200);
    expect((await t.request({ method: "DELETE", url: `/api/tokens/${id}`, as: "alice" })).statusCode).toBe(403);
    expect((await t.request({ method: "DELETE", url: `/api/tokens/${id}`, as: "admin" })).statusCode).toBe(204);
    const after = await t.app.inject({ method: "GET", url: `/api/users/${user.userid}`, headers: { authorization: `Bearer ${token}` } });
    expect(after.statusCode).toBe(401);
    expect(after.json().detail).toMatch(/revoked/);
  });

  it.each([
    ["Basic dXNlcjpwYXNz", /malformed Authorization/],
    ["Bearer", /malformed Authorization/],
    ["Bearer not-a-token", /malformed token/],
    [`Bearer vel_${"A".repeat(43)}`, /unknown token/],
  ])("answers %s with 401", async (header, message) => {
    const res = await t.app.inject({ method: "GET", url: "/api/eprints", headers: { authorization: header } });
    expect(res.statusCode).toBe(401);
    expect(res.headers["www-authenticate"]).toMatch(/^Bearer/);
    expect(res.json().detail).toMatch(message);
  });

  it("accepts VELLUM_ADMIN_TOKEN as the admin user, to bootstrap an installation", async () => {
    const res = await t.app.inject({ method: "POST", url: "/api/users", payload: { username: "erin" }, headers: { authorization: "Bearer bootstrap-secret-0123456789" } });
    expect(res.statusCode).toBe(201);
  });

  it("lets users read only their own account", async () => {
    expect((await t.request({ method: "GET", url: `/api/users/${t.users.alice}`, as: "alice" })).statusCode).toBe(200);
    expect((await t.request({ method: "GET", url: `/api/users/${t.users.bob}`, as: "alice" })).statusCode).toBe(403);
  });
});

describe("subjects", () => {
  it("serves the default Library of Congress tree with divisions", async () => {
    const tree = (await t.request({ method: "GET", url: "/api/subjects" })).json();
    const tops = tree.roots.flatMap((r: { subjectid: string; children: { subjectid: string }[] }) => [r.subjectid, ...r.children.map((c) => c.subjectid)]);
    expect(tops).toEqual(expect.arrayContaining(["subjects", "divisions"]));
  });

  it("gives one subject with its ancestors, children and full path", async () => {
    const hv = (await t.request({ method: "GET", url: "/api/subjects/HV" })).json();
    expect(hv.name[0].name).toBe("HV Social pathology. Social and public welfare");
    expect(hv.ancestors.map((a: { subjectid: string }) => a.subjectid)).toEqual(["H", "subjects"]);
    expect(hv.paths[0].map((a: { subjectid: string }) => a.subjectid)).toEqual(["H", "HV"]);
    const h = (await t.request({ method: "GET", url: "/api/subjects/H" })).json();
    expect(h.children.map((c: { subjectid: string }) => c.subjectid)).toContain("HV");
    expect((await t.request({ method: "GET", url: "/api/subjects/NOPE" })).statusCode).toBe(404);
  });

  it("lets admins change the tree, and refuses cycles", async () => {
    const body = { name: [{ name: "Digital Libraries", lang: "en" }], parents: ["kent_cs"], depositable: true };
    expect((await t.request({ method: "PUT", url: "/api/subjects/kent_dl", payload: body, as: "editor" })).statusCode).toBe(403);
    const res = await t.request({ method: "PUT", url: "/api/subjects/kent_dl", payload: body, as: "admin" });
    expect(res.statusCode).toBe(200);
    const cycle = await t.request({ method: "PUT", url: "/api/subjects/kent_cs", payload: { ...body, parents: ["kent_dl"] }, as: "admin" });
    expect(cycle.statusCode).toBe(400);
    // the new division is depositable at once
    const dep = await t.request({ method: "POST", url: "/api/eprints", payload: { type: "other", title: "x", divisions: ["kent_dl"] }, as: "alice" });
    expect(dep.statusCode).toBe(201);
  });
});

describe("health", () => {
  it("answers /healthz and /readyz", async () => {
    expect((await t.request({ method: "GET", url: "/healthz" })).json()).toEqual({ status: "ok" });
    expect((await t.request({ method: "GET", url: "/readyz" })).json()).toEqual({ status: "ready" });
  });
});
