/**
 * Shared by the fault, concurrency and instance tests: Vellum as a real process
 * (`node --import tsx src/server.ts`, as test/server.test.ts starts it), users and tokens
 * made through the API, generated records and their EP3 XML, and small HTTP helpers.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { expect } from "vitest";
import { formatById } from "../../src/formats/registry.js";
import type { FormatContext } from "../../src/formats/types.js";
import { eprintDir } from "../../src/records/fields.js";
import { EPrintSchema, type EPrint } from "../../src/records/schema.js";
import { SubjectTree } from "../../src/records/subjects.js";
import { freePort } from "../../src/db/embedded.js";

export const ADMIN_TOKEN = "reliability-admin-token-0123456789";

/** Long tests (each well over 20 s) run only with VELLUM_LONG_TESTS=1. */
export const LONG = process.env.VELLUM_LONG_TESTS === "1";


export interface VellumProcess {
  child: ChildProcess;
  base: string;
  port: number;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
  output(): string;
}

/** Starts Vellum on `env` and resolves once it listens. */
export async function startVellum(env: Record<string, string>, port?: number): Promise<VellumProcess> {
  port ??= await freePort();
  const child = spawn(process.execPath, ["--import", "tsx", "src/server.ts"], {
    env: {
      ...process.env,
      DATABASE_URL: "",
      DATABASE_REPLICA_URL: "",
      HOST: "127.0.0.1",
      PORT: String(port),
      LOG_LEVEL: "silent",
      VELLUM_ADMIN_TOKEN: ADMIN_TOKEN,
      VELLUM_RATE_LIMIT_ANONYMOUS: "0",
      VELLUM_RATE_LIMIT_TOKEN: "0",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (out += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal, at: Date.now() })),
  );
  // the address it listens on (the logged URL is VELLUM_BASE_URL, which may be public)
  const base = await new Promise<string>((resolve, reject) => {
    const timer = setInterval(() => {
      if (/listening on /.test(out)) {
        clearInterval(timer);
        resolve(`http://127.0.0.1:${port}`);
      }
    }, 25);
    void exited.then(() => {
      clearInterval(timer);
      reject(new Error(`vellum exited before listening:\n${out}`));
    });
  });
  return { child, base, port, exited, output: () => out };
}

/** Stops a process this test started (SIGKILL when it does not go within 20 s). */
export async function stopVellum(p: VellumProcess | undefined): Promise<void> {
  if (!p || p.child.exitCode !== null || p.child.signalCode !== null) return;
  p.child.kill("SIGTERM");
  const timer = setTimeout(() => p.child.kill("SIGKILL"), 20_000);
  await p.exited;
  clearTimeout(timer);
}

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  json(): any;
}

/** One HTTP request; network failures are returned as status 0 with the error's code. */
export async function call(
  base: string,
  method: string,
  path: string,
  opts: { token?: string; body?: unknown; headers?: Record<string, string>; type?: string } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  let body: string | undefined;
  if (opts.body !== undefined) {
    body = typeof opts.body === "string" ? opts.body : JSON.stringify(opts.body);
    headers["content-type"] ??= opts.type ?? "application/json";
  }
  try {
    const res = await fetch(base + path, { method, headers, body, signal: AbortSignal.timeout(60_000) });
    const text = await res.text();
    return { status: res.status, headers: res.headers, text, json: () => JSON.parse(text) };
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause;
    return { status: 0, headers: new Headers(), text: cause?.code ?? String(err), json: () => ({}) };
  }
}

/** A depositor (or editor) and a token, made by the admin through the API. */
export async function makeUser(base: string, username: string, usertype: "user" | "editor" | "admin" = "user"): Promise<{ userid: number; token: string }> {
  const u = await call(base, "POST", "/api/users", { token: ADMIN_TOKEN, body: { username, usertype } });
  expect(u.status, u.text).toBe(201);
  const t = await call(base, "POST", `/api/users/${u.json().userid}/tokens`, { token: ADMIN_TOKEN, body: {} });
  expect(t.status, t.text).toBe(201);
  return { userid: u.json().userid, token: t.json().token };
}

/** Checks a 503 is what the brief says: problem+json with Retry-After. */
export function isProperUnavailable(a: Answer): boolean {
  return a.status === 503 && /^application\/problem\+json/.test(a.headers.get("content-type") ?? "") && Number(a.headers.get("retry-after")) > 0;
}

// ---------------------------------------------------------------- generated records

const SUBJECTS = ["QA75", "QA76", "HV", "BF", "PN", "Q1", "QH", "T1"];
const FAMILIES = ["Müller", "O'Brien", "Nguyễn", "Søren", "García-Márquez", "Smith", "Łukasiewicz", "Ōtani", "Dvořák", "Chen"];
const GIVEN = ["Anna-Lena", "Seán", "Thị Minh", "Kjeld", "José", "Jane", "Jan", "Shōhei", "Antonín", "Wei"];

/** A record as an EPrints repository would have it, id `id`, deterministic in `i`. */
export function generatedRecord(i: number, id = 100_000 + i): EPrint {
  const pick = <T>(a: readonly T[], k: number) => a[(i * 7 + k * 13) % a.length]!;
  const year = 1990 + (i % 35);
  const month = String(1 + (i % 12)).padStart(2, "0");
  const day = String(1 + (i % 28)).padStart(2, "0");
  const stamp = `${2000 + (i % 25)}-${month}-${day} ${String(i % 24).padStart(2, "0")}:${String(i % 60).padStart(2, "0")}:${String((i * 7) % 60).padStart(2, "0")}`;
  const creators = Array.from({ length: 1 + (i % 5) }, (_, k) => ({ name: { family: pick(FAMILIES, k), given: pick(GIVEN, k + 1) } }));
  return EPrintSchema.parse({
    eprintid: id,
    rev_number: 1 + (i % 4),
    eprint_status: i % 17 === 0 ? "buffer" : "archive",
    userid: 2 + (i % 9),
    dir: eprintDir(id),
    datestamp: stamp,
    lastmod: stamp,
    status_changed: stamp,
    type: i % 3 === 0 ? "book" : "article",
    title: `Record ${i}: sparse & noisy <data> in "${pick(FAMILIES, 3)}"'s model, part ${i % 97}`,
    creators,
    abstract: `Abstract of record ${i}. ${"Measurements — with accents (é, ø, ß) and symbols <>&. ".repeat(1 + (i % 6))}`.trim(),
    keywords: `keyword${i % 50}, reliability, ünïcode`,
    subjects: [pick(SUBJECTS, 0), pick(SUBJECTS, 1)].filter((s, k, a) => a.indexOf(s) === k),
    date: `${year}-${month}-${day}`,
    date_type: "published",
    ispublished: "pub",
    refereed: i % 2 === 0,
    ...(i % 3 === 0 ? { publisher: "Example Press" } : { publication: `Journal of Test ${i % 40}`, volume: String(1 + (i % 60)), pagerange: `${i % 900}-${(i % 900) + 12}` }),
    metadata_visibility: "show",
    full_text_status: "none",
  });
}

const BASE_CONTEXT: FormatContext = {
  repo: { baseUrl: "https://kar.kent.ac.uk", repoId: "kar", archiveName: "Kent Academic Repository", host: "kar.kent.ac.uk", adminEmail: "a@example.org" },
  subjects: new SubjectTree([]),
  options: { exportOrcid: false, csvFidelity: "exact" },
  now: () => new Date("2026-01-01T00:00:00Z"),
};

/** `records` as one EP3 XML document, written by the registry's EP3 XML export. */
export function ep3Xml(records: EPrint[], ctx: Partial<FormatContext["repo"]> = {}): string {
  const xml = formatById("XML")!;
  const XML_CONTEXT = { ...BASE_CONTEXT, repo: { ...BASE_CONTEXT.repo, ...ctx } };
  const parts = [xml.list!.head(XML_CONTEXT)];
  for (const [i, r] of records.entries()) parts.push(xml.list!.item(r, XML_CONTEXT, i));
  parts.push(xml.list!.tail(XML_CONTEXT, records.length));
  return parts.join("");
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
