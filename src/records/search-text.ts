/**
 * The `q` language of the search API, compiled to a PostgreSQL tsquery expression over the
 * `vellum_search` text search configuration (English stemming, accents folded):
 *
 * - words are all required: `graph networks`;
 * - `"neural networks"` is a phrase (the words adjacent, in that order);
 * - `netw*` is a prefix (the last word of `graph-ba*` too);
 * - `-word` and `-"a phrase"` exclude;
 * - `OR` between two terms accepts either: `graph OR network`; it binds tighter than the
 *   implicit AND, as in web search engines (`a b OR c` is a AND (b OR c)).
 *
 * Everything the user typed reaches the database as a bound parameter; the compiled SQL only
 * combines PostgreSQL's own parsers (phraseto_tsquery, to_tsquery of a quoted prefix made of
 * letters and digits only), so no input can make the query fail to parse.
 */

export type Term =
  | { kind: "words"; text: string; negated: boolean }
  | { kind: "phrase"; text: string; negated: boolean }
  | { kind: "prefix"; parts: string[]; negated: boolean };

/** Terms joined by OR; a query is the AND of its groups. */
export type Group = Term[];

export const MAX_QUERY_LENGTH = 1000;
export const MAX_TERMS = 32;

export const TS_CONFIG = "vellum_search";

/** Splits `q` into groups of terms; unbalanced quotes close at the end. */
export function parseQuery(q: string): Group[] {
  const groups: Group[] = [];
  let joinNext = false;
  let i = 0;
  const push = (t: Term) => {
    const last = groups[groups.length - 1];
    if (joinNext && last) last.push(t);
    else groups.push([t]);
    joinNext = false;
  };
  while (i < q.length) {
    while (i < q.length && /\s/u.test(q[i]!)) i++;
    if (i >= q.length) break;
    let negated = false;
    if (q[i] === "-" && i + 1 < q.length && !/\s/u.test(q[i + 1]!)) {
      negated = true;
      i++;
    }
    if (q[i] === '"') {
      const end = q.indexOf('"', i + 1);
      const text = q.slice(i + 1, end < 0 ? q.length : end);
      i = end < 0 ? q.length : end + 1;
      if (/[\p{L}\p{N}]/u.test(text)) push({ kind: "phrase", text, negated });
      continue;
    }
    let j = i;
    while (j < q.length && !/\s/u.test(q[j]!) && q[j] !== '"') j++;
    const word = q.slice(i, j);
    i = j;
    if (word === "OR" && !negated) {
      if (groups.length) joinNext = true;
      continue;
    }
    if (word.endsWith("*")) {
      const parts = word.replace(/\*+$/, "").split(/[^\p{L}\p{N}]+/u).filter(Boolean);
      if (parts.length) push({ kind: "prefix", parts, negated });
      continue;
    }
    if (/[\p{L}\p{N}]/u.test(word)) push({ kind: "words", text: word, negated });
  }
  return groups;
}

export function termCount(groups: Group[]): number {
  return groups.reduce((n, g) => n + g.length, 0);
}

/**
 * A SQL expression of type tsquery for `groups`, with the user's text bound through `arg`
 * (which returns the placeholder, e.g. `$3`). Null when there is nothing to search for.
 */
export function tsqueryExpression(groups: Group[], arg: (v: unknown) => string): string | null {
  const parts = groups.map((g) => {
    const terms = g.map((t) => {
      let e: string;
      if (t.kind === "prefix") {
        // only letters and digits reach to_tsquery's syntax, each quoted
        const text = t.parts.map((p, n) => `'${p}'${n === t.parts.length - 1 ? ":*" : ""}`).join(" <-> ");
        e = `to_tsquery('${TS_CONFIG}', ${arg(text)})`;
      } else {
        e = `phraseto_tsquery('${TS_CONFIG}', ${arg(t.text)})`;
      }
      return t.negated ? `(!! ${e})` : e;
    });
    return terms.length === 1 ? terms[0]! : `(${terms.join(" || ")})`;
  });
  if (!parts.length) return null;
  return parts.length === 1 ? parts[0]! : `(${parts.join(" && ")})`;
}
