/**
 * readAhead (formats/export.ts): a list export reads its records ahead of the rendering, so
 * the next database page is fetched while this one is written. It must keep every record in
 * order, hold no more than it was asked to, pass a failure on after the records before it,
 * and close the source when the consumer stops early.
 */
import { describe, expect, it } from "vitest";
import { readAhead } from "../../src/formats/export.js";

/** A source that yields 0..n-1, a "page" of `page` items at a time with a pause between pages. */
function paged(n: number, page: number, log: { pulled: number; closed: boolean; failAt?: number }) {
  return (async function* () {
    try {
      for (let i = 0; i < n; i++) {
        if (i % page === 0) await new Promise((r) => setTimeout(r, 1));
        if (i === log.failAt) throw new Error(`source failed at ${i}`);
        log.pulled = i + 1;
        yield i;
      }
    } finally {
      log.closed = true;
    }
  })();
}

describe("readAhead", () => {
  it("hands on every item once, in order, in arrays of what was read so far", async () => {
    const log = { pulled: 0, closed: false };
    const seen: number[] = [];
    let batches = 0;
    for await (const batch of readAhead(paged(2_345, 100, log), 250)) {
      expect(batch.length).toBeGreaterThan(0);
      expect(batch.length).toBeLessThanOrEqual(250);
      batches++;
      seen.push(...batch);
    }
    expect(seen).toEqual(Array.from({ length: 2_345 }, (_, i) => i));
    expect(batches).toBeLessThan(2_345);
    expect(log.closed).toBe(true);
  });

  it("reads no further ahead than asked while the consumer is busy", async () => {
    const log = { pulled: 0, closed: false };
    let taken = 0;
    for await (const batch of readAhead(paged(5_000, 500, log), 300)) {
      taken += batch.length;
      // the consumer is slow: the source may run ahead, but only by the bound
      await new Promise((r) => setTimeout(r, 2));
      expect(log.pulled - taken).toBeLessThanOrEqual(300);
    }
    expect(taken).toBe(5_000);
  });

  it("passes a failure on after the items read before it", async () => {
    const log = { pulled: 0, closed: false, failAt: 1_234 };
    const seen: number[] = [];
    await expect(
      (async () => {
        for await (const batch of readAhead(paged(5_000, 100, log), 1_000)) seen.push(...batch);
      })(),
    ).rejects.toThrow("source failed at 1234");
    expect(seen).toEqual(Array.from({ length: 1_234 }, (_, i) => i));
  });

  it("closes the source when the consumer stops early", async () => {
    const log = { pulled: 0, closed: false };
    let taken = 0;
    for await (const batch of readAhead(paged(100_000, 100, log), 500)) {
      taken += batch.length;
      if (taken >= 1_000) break;
    }
    expect(log.closed).toBe(true);
    expect(log.pulled).toBeLessThan(2_000);
  });

  it("a source that fails at once fails the first read", async () => {
    const it_ = readAhead(
      (async function* () {
        throw new Error("bad query");
      })(),
      10,
    );
    await expect(it_.next()).rejects.toThrow("bad query");
  });
});
