/**
 * The change feed over HTTP: a record's life as a mirror sees it, what anonymous callers may
 * and may not learn, and the ordering guarantee with a transaction that commits late.
 */
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { settledBelow } from "../../src/records/changes.js";
import { testApp, type TestApp } from "../support/app.js";
import { record } from "./seed.js";

let t: TestApp;
beforeAll(async () => {
  t = await testApp();
});
afterAll(async () => t?.close());

type Who = "anonymous" | "alice" | "editor";
interface Change {
  seq: number;
  eprintid: number;
  rev_number: number;
  action: string;
  at: string;
  eprint_status?: string;
  record?: Record<string, unknown>;
}

async function feed(qs = "", as: Who = "anonymous"): Promise<{ items: Change[]; next: string; more: boolean }> {
  const res = await t.request({ method: "GET", url: `/api/changes${qs ? `?${qs}` : ""}`, as });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

/** Every change after `since`, following `next` until `more` is false. */
async function drain(since: string | undefined, as: Who = "anonymous", extra = ""): Promise<{ items: Change[]; next: string }> {
  const items: Change[] = [];
  let cursor = since;
  for (;;) {
    const page = await feed([cursor ? `since=${encodeURIComponent(cursor)}` : "", "limit=3", extra].filter(Boolean).join("&"), as);
    items.push(...page.items);
    cursor = page.next;
    if (!page.more) return { items, next: cursor };
  }
}

/** Changes wait for every transaction that was writing when they were made (on a shared server, someone else's too). */
async function eventually<T>(f: () => Promise<T>, ok: (v: T) => boolean, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (ok(v) || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function lifeOfARecord(): Promise<number> {
  const created = await t.request({ method: "POST", url: "/api/eprints", payload: { type: "article", title: "Feed me" }, as: "alice" });
  const id = created.json().eprintid;
  const move = async (to: string, rev: number, as: "alice" | "editor") => {
    const res = await t.request({ method: "POST", url: `/api/eprints/${id}/status`, payload: { eprint_status: to }, headers: { "if-match": `"${id}-${rev}"` }, as });
    expect(res.statusCode, res.body).toBe(200);
  };
  await t.request({ method: "PATCH", url: `/api/eprints/${id}`, payload: { abstract: "Still private." }, headers: { "if-match": `"${id}-1"` }, as: "alice" });
  await move("buffer", 2, "alice");
  await move("archive", 3, "editor");
  await t.request({ method: "PATCH", url: `/api/eprints/${id}`, payload: { abstract: "Now public." }, headers: { "if-match": `"${id}-4"` }, as: "editor" });
  await move("deletion", 5, "editor");
  await move("archive", 6, "editor");
  await move("buffer", 7, "editor");
  return id;
}

describe("the change feed", () => {
  let start: { anonymous: string; editor: string };
  let id: number;
  beforeAll(async () => {
    start = { anonymous: (await drain(undefined)).next, editor: (await drain(undefined, "editor")).next };
    id = await lifeOfARecord();
  });

  it("shows anonymous callers a record going live, changing, retired, reinstated and withdrawn; nothing of its private life", async () => {
    const { items } = await eventually(
      () => drain(start.anonymous),
      (r) => r.items.length >= 5,
    );
    expect(items.map((c) => [c.eprintid, c.rev_number, c.action])).toEqual([
      [id, 4, "created"],
      [id, 5, "updated"],
      [id, 6, "deleted"],
      [id, 7, "created"],
      [id, 8, "deleted"],
    ]);
    expect(items.every((c) => c.eprint_status === undefined)).toBe(true);
  });

  it("shows staff every change as recorded, with the status it left", async () => {
    const { items } = await eventually(
      () => drain(start.editor, "editor"),
      (r) => r.items.length >= 8,
    );
    expect(items.map((c) => [c.rev_number, c.action, c.eprint_status])).toEqual([
      [1, "created", "inbox"],
      [2, "updated", "inbox"],
      [3, "moved", "buffer"],
      [4, "moved", "archive"],
      [5, "updated", "archive"],
      [6, "retired", "deletion"],
      [7, "reinstated", "archive"],
      [8, "moved", "buffer"],
    ]);
    const seqs = items.map((c) => c.seq);
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
  });

  it("carries the record as it was after each change with include=record, as the caller may see it", async () => {
    const anon = await drain(start.anonymous, "anonymous", "include=record");
    expect(anon.items[0]!.record).toMatchObject({ eprintid: id, rev_number: 4, eprint_status: "archive", title: "Feed me" });
    expect(anon.items[1]!.record).toMatchObject({ abstract: "Now public." });
    expect(anon.items[2]!.record).toBeUndefined();
  });

  it("never shows private records to anonymous callers, from any starting point", async () => {
    await t.request({ method: "POST", url: "/api/eprints", payload: { type: "other", title: "Never public" }, as: "alice" });
    const all = await drain(undefined);
    const staff = await eventually(
      () => drain(undefined, "editor"),
      (r) => r.items.some((c) => c.action === "created" && c.eprint_status === "inbox" && c.rev_number === 1 && c.eprintid !== id),
    );
    const neverPublic = new Set(staff.items.filter((c) => !staff.items.some((d) => d.eprintid === c.eprintid && d.eprint_status === "archive")).map((c) => c.eprintid));
    expect(neverPublic.size).toBeGreaterThan(0);
    expect(all.items.filter((c) => neverPublic.has(c.eprintid))).toEqual([]);
  });

  it("reports an import that goes straight to the archive as created, and a deleted inbox item to staff only", async () => {
    const from = { anonymous: (await drain(undefined)).next, editor: (await drain(undefined, "editor")).next };
    await t.services.eprints.insertBatch([record(90001, { title: "Imported live" }), record(90002, { title: "Imported draft", eprint_status: "inbox", userid: t.users.alice })], null);
    const del = await t.request({ method: "DELETE", url: "/api/eprints/90002", headers: { "if-match": '"90002-1"' }, as: "alice" });
    expect(del.statusCode, del.body).toBe(204);
    const anon = await eventually(
      () => drain(from.anonymous),
      (r) => r.items.length > 0,
    );
    expect(anon.items.map((c) => [c.eprintid, c.action])).toEqual([[90001, "created"]]);
    const staff = await eventually(
      () => drain(from.editor, "editor"),
      (r) => r.items.length >= 3,
    );
    expect(staff.items.map((c) => [c.eprintid, c.action])).toEqual([
      [90001, "created"],
      [90002, "created"],
      [90002, "deleted"],
    ]);
  });

  it("holds back a change while an earlier-numbered one is still uncommitted, then serves both in seq order", async () => {
    const live = record(91001, { title: "Slow writer" });
    const other = record(91002, { title: "Fast writer" });
    await t.services.eprints.insertBatch([live, other], null);
    const from = (
      await eventually(
        () => drain(undefined, "editor"),
        (r) => r.items.some((c) => c.eprintid === 91002),
      )
    ).next;

    // a writer that changed its row and took its seq, but has not committed yet
    const slow = new pg.Client({ connectionString: t.url });
    await slow.connect();
    try {
      await slow.query("BEGIN");
      await slow.query("UPDATE eprint SET rev_number = 2 WHERE eprintid = 91001");
      const { rows } = await slow.query("INSERT INTO eprint_change (eprintid, rev_number, action) VALUES (91001, 2, 'updated') RETURNING seq");
      const slowSeq = Number(rows[0].seq);

      // a later writer commits first, with a larger seq
      const patch = await t.request({ method: "PATCH", url: "/api/eprints/91002", payload: { abstract: "Quick." }, headers: { "if-match": '"91002-1"' }, as: "editor" });
      expect(patch.statusCode, patch.body).toBe(200);
      const held = await feed(`since=${encodeURIComponent(from)}`, "editor");
      expect(held.items).toEqual([]);
      const again = await feed(`since=${encodeURIComponent(held.next)}`, "editor");
      expect(again.items).toEqual([]);

      await slow.query("COMMIT");
      const after = await eventually(
        () => drain(held.next, "editor"),
        (r) => r.items.length >= 2,
      );
      expect(after.items.map((c) => [c.seq, c.eprintid, c.rev_number])).toEqual([
        [slowSeq, 91001, 2],
        [slowSeq + 1, 91002, 2],
      ]);
    } finally {
      await slow.end();
    }
  });

  it.each([
    ["since=garbage", "since"],
    ["limit=0", "limit"],
    ["limit=1001", "limit"],
    ["include=everything", "include"],
    ["colour=red", "colour"],
  ])("answers %s with 400 naming the parameter", async (qs, field) => {
    const res = await t.request({ method: "GET", url: `/api/changes?${qs}` });
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().errors.map((e: { field: string }) => e.field)).toContain(field);
  });
});

describe("the bound below which every change is settled", () => {
  it("is the snapshot's xmax, or the oldest running xid of this database below it, widened across xid wraparound", () => {
    expect(settledBelow("1000", [])).toBe(1000n);
    expect(settledBelow("1000", ["990", "995"])).toBe(990n);
    // started after the snapshot: cannot lower the bound
    expect(settledBelow("1000", ["1003"])).toBe(1000n);
    // xmax in epoch 1 (2^32 + 4); 32-bit xids from both sides of the wrap
    expect(settledBelow("4294967300", ["4294967290"])).toBe(4294967290n);
    expect(settledBelow("4294967300", ["2"])).toBe(4294967298n);
    expect(settledBelow("4294967300", ["5"])).toBe(4294967300n);
  });
});
