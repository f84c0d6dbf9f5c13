/**
 * The process as `npm start` runs it: starts on the configured or the embedded database,
 * serves, and on SIGTERM finishes and exits 0; a second start reuses the embedded data.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, chmodSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { freshDatabase } from "./support/app.js";

function start(env: Record<string, string>): { child: ChildProcess; ready: Promise<string>; exited: Promise<number | null>; output: () => string } {
  const child = spawn(process.execPath, ["--import", "tsx", "src/server.ts"], {
    env: { ...process.env, DATABASE_URL: "", PORT: "0", LOG_LEVEL: "silent", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (out += d));
  const ready = new Promise<string>((resolve, reject) => {
    const timer = setInterval(() => {
      const m = /listening on (https?:\/\/\S+)/.exec(out);
      if (m) {
        clearInterval(timer);
        resolve(m[1]!);
      }
    }, 50);
    child.on("exit", () => {
      clearInterval(timer);
      reject(new Error(`server exited before listening:\n${out}`));
    });
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, ready, exited, output: () => out };
}


describe("the server process", () => {
  it("serves on DATABASE_URL and shuts down cleanly on SIGTERM", async () => {
    const db = await freshDatabase();
    try {
      const s = start({ DATABASE_URL: db.url, PORT: "38411", HOST: "127.0.0.1" });
      const base = await s.ready;
      expect(base).toBe("http://127.0.0.1:38411");
      const ready = await fetch(`${base}/readyz`);
      expect(ready.status).toBe(200);
      s.child.kill("SIGTERM");
      expect(await s.exited).toBe(0);
      expect(s.output()).toMatch(/stopped cleanly/);
    } finally {
      await db.drop();
    }
  });

  it("starts an embedded PostgreSQL when DATABASE_URL is unset, and reuses its data", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "vellum-start-"));
    chmodSync(dir, 0o755);
    try {
      const env = { VELLUM_DATA_DIR: dir, PORT: "38412", VELLUM_ADMIN_TOKEN: "start-test-admin-token" };
      const first = start(env);
      const base = await first.ready;
      const created = await fetch(`${base}/api/eprints`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: "Bearer start-test-admin-token" },
        body: JSON.stringify({ type: "article", title: "Survives a restart", subjects: ["QA75"] }),
      });
      expect(created.status).toBe(201);
      const id = ((await created.json()) as { eprintid: number }).eprintid;
      first.child.kill("SIGINT");
      expect(await first.exited).toBe(0);

      const second = start(env);
      await second.ready;
      const again = await fetch(`${base}/api/eprints/${id}`, { headers: { authorization: "Bearer start-test-admin-token" } });
      expect(again.status).toBe(200);
      expect(((await again.json()) as { title: string }).title).toBe("Survives a restart");
      second.child.kill("SIGTERM");
      expect(await second.exited).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
