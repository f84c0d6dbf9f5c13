/**
 * `from` and `until` (OAI-PMH §3.3): day (`YYYY-MM-DD`) or seconds (`YYYY-MM-DDThh:mm:ssZ`)
 * granularity, both inclusive. A day `from` starts at 00:00:00, a day `until` ends at
 * 23:59:59, which is exact because datestamps (lastmod) are kept to the second.
 */

export type Granularity = "day" | "seconds";

export interface DateBound {
  granularity: Granularity;
  /** The bound as a database timestamp literal, `YYYY-MM-DD hh:mm:ss` (UTC). */
  timestamp: string;
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const SECONDS = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})Z$/;

function validDay(y: number, m: number, d: number): boolean {
  if (y < 1 || m < 1 || m > 12 || d < 1) return false;
  const date = new Date(Date.UTC(2000, m - 1, d));
  date.setUTCFullYear(y);
  return date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

/** The bound, or undefined when `value` is not a legal OAI date. */
export function parseBound(value: string, end: "from" | "until"): DateBound | undefined {
  const day = DAY.exec(value);
  if (day) {
    if (!validDay(+day[1]!, +day[2]!, +day[3]!)) return undefined;
    return { granularity: "day", timestamp: `${value} ${end === "from" ? "00:00:00" : "23:59:59"}` };
  }
  const s = SECONDS.exec(value);
  if (s) {
    if (!validDay(+s[1]!, +s[2]!, +s[3]!) || +s[4]! > 23 || +s[5]! > 59 || +s[6]! > 59) return undefined;
    return { granularity: "seconds", timestamp: `${s[1]}-${s[2]}-${s[3]} ${s[4]}:${s[5]}:${s[6]}` };
  }
  return undefined;
}

export interface DateRange {
  from?: DateBound;
  until?: DateBound;
}

/** The range, or the badArgument message that explains why the pair is illegal. */
export function parseRange(from: string | undefined, until: string | undefined): DateRange | { error: string } {
  const range: DateRange = {};
  if (from !== undefined) {
    range.from = parseBound(from, "from");
    if (!range.from) return { error: `'from' must be YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ (UTC), a real date: got '${from}'` };
  }
  if (until !== undefined) {
    range.until = parseBound(until, "until");
    if (!range.until) return { error: `'until' must be YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ (UTC), a real date: got '${until}'` };
  }
  if (range.from && range.until) {
    if (range.from.granularity !== range.until.granularity) return { error: "'from' and 'until' have different granularities" };
    // both literals have the same fixed-width shape, so text order is time order
    if (range.from.timestamp > range.until.timestamp) return { error: "'from' is later than 'until'" };
  }
  return range;
}
