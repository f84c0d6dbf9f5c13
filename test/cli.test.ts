/** `npm run vellum -- …` on a real database, as an administrator runs it. */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TOKEN_PATTERN } from "../src/accounts/accounts.js";
import { freshDatabase } from "./support/app.js";

const run = promisify(execFile);
let db: Awaited<ReturnType<typeof freshDatabase>>;
const vellum = (...args: string[]) =>
  run(process.execPath, ["--import", "tsx", "src/cli.ts", ...args], { env: { ...process.env, DATABASE_URL: db.url, LOG_LEVEL: "silent" } });

beforeAll(async () => {
  db = await freshDatabase();
});
afterAll(async () => db?.drop());

describe("the vellum command", () => {
  it("creates a token for the admin of a fresh installation, printed once on stdout", async () => {
    const { stdout, stderr } = await vellum("token", "create", "--user", "admin");
    expect(stdout.trim()).toMatch(TOKEN_PATTERN);
    expect(stderr).toMatch(/shown once/);
  });

  it("imports an EP3 XML file keeping ids, with a progress report", async () => {
    const { stdout, stderr } = await vellum("import", "test/fixtures/eprints/input.xml", "--preserve-ids");
    expect(stdout).toMatch(/imported 7 eprints/);
    expect(stderr).toMatch(/7 records, 7 created, 0 failed, \d+ records\/s/);
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    const { rows } = await c.query("SELECT eprintid FROM eprint ORDER BY eprintid");
    await c.end();
    expect(rows.map((r) => r.eprintid)).toEqual([101, 102, 104, 108, 109, 113, 112479]);
  });

  it("fails with a message, not a stack, on a bad command", async () => {
    await expect(vellum("token", "create")).rejects.toMatchObject({ code: 1, stderr: expect.stringMatching(/--user is required/) });
  });
});
