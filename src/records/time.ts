/** EPrints keeps times as `YYYY-MM-DD hh:mm:ss` in UTC, to the second. */

export function toEprintsTime(d: Date): string {
  return d.toISOString().slice(0, 19).replace("T", " ");
}

/** Accepts the full form and the date-only form old records carry. */
export function fromEprintsTime(s: string): Date {
  return new Date(`${s.length === 10 ? `${s} 00:00:00` : s}Z`.replace(" ", "T"));
}

/** Now, truncated to the second as EPrints stores it. */
export function nowSeconds(): Date {
  return new Date(Math.floor(Date.now() / 1000) * 1000);
}

export function httpDate(d: Date): string {
  return d.toUTCString();
}
