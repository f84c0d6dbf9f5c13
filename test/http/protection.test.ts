import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testApp, type TestApp } from "../support/app.js";

let t: TestApp;
beforeAll(async () => {
  t = await testApp({ VELLUM_RATE_LIMIT_ANONYMOUS: "5", VELLUM_RATE_LIMIT_TOKEN: "8" });
});
afterAll(async () => t?.close());

describe("rate limits", () => {
  it("limit anonymous callers per address, with RateLimit headers and a 429 problem + Retry-After", async () => {
    const statuses: number[] = [];
    let last;
    for (let i = 0; i < 7; i++) {
      last = await t.request({ method: "GET", url: "/api/subjects/HV", remoteAddress: "203.0.113.7" });
      statuses.push(last.statusCode);
      if (i === 0) {
        expect(last.headers["ratelimit-limit"]).toBe("5");
        expect(last.headers["ratelimit-remaining"]).toBe("4");
      }
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
    expect(last!.headers["content-type"]).toMatch(/^application\/problem\+json/);
    expect(Number(last!.headers["retry-after"])).toBeGreaterThan(0);
    expect(last!.json().status).toBe(429);
    // another address is not affected
    expect((await t.request({ method: "GET", url: "/api/subjects/HV", remoteAddress: "203.0.113.8" })).statusCode).toBe(200);
  });

  it("limit each token on its own, at the token's rate", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 9; i++) statuses.push((await t.request({ method: "GET", url: "/api/subjects/HV", as: "bob", remoteAddress: "203.0.113.9" })).statusCode);
    expect(statuses.filter((s) => s === 200)).toHaveLength(8);
    expect(statuses[8]).toBe(429);
    expect((await t.request({ method: "GET", url: "/api/subjects/HV", as: "alice", remoteAddress: "203.0.113.9" })).statusCode).toBe(200);
  });

  it("answer OAI-PMH harvesters over their limit with 503 + Retry-After, the protocol's flow control", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await t.request({ method: "GET", url: "/cgi/oai2?verb=Identify", remoteAddress: "203.0.113.20", headers: { authorization: "Basic aGFydmVzdGVyOnNlY3JldA==" } })).statusCode);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 503]);
  });

  it("never limit the health probes", async () => {
    for (let i = 0; i < 8; i++) expect((await t.request({ method: "GET", url: "/healthz", remoteAddress: "203.0.113.10" })).statusCode).toBe(200);
  });
});

describe("headers", () => {
  it("send security headers", async () => {
    const res = await t.request({ method: "GET", url: "/healthz", remoteAddress: "198.51.100.1" });
    expect(res.headers["x-content-type-options"]).toBe("nosniff");
    expect(res.headers["content-security-policy"]).toContain("default-src 'self'");
    expect(res.headers["strict-transport-security"]).toBeDefined();
  });

  it("open CORS for reads and close it for writes", async () => {
    const read = await t.request({ method: "GET", url: "/api/subjects/HV", headers: { origin: "https://elsewhere.example" }, remoteAddress: "198.51.100.2" });
    expect(read.headers["access-control-allow-origin"]).toBe("*");
    const preflight = await t.request({
      method: "OPTIONS",
      url: "/api/eprints",
      headers: { origin: "https://elsewhere.example", "access-control-request-method": "POST", "access-control-request-headers": "authorization, content-type" },
      remoteAddress: "198.51.100.3",
    });
    expect(preflight.headers["access-control-allow-methods"]).toBe("GET, HEAD");
    expect(preflight.headers["access-control-allow-methods"]).not.toContain("POST");
  });
});
