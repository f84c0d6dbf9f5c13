/**
 * What the reference-manager formats (RIS, EndNote, Refer, RefWorks) share: the year of a
 * date and a tag table that mirrors the Perl hash each
 * EPrints plugin fills (a later value for a tag replaces an earlier one) but is written
 * in a fixed order, so Vellum's output is stable where EPrints' is hash-ordered.
 */
import { isSet } from "./lexical.js";

/** The four-digit year of an EPrints date (`YYYY[-MM[-DD]]`). */
export function year(date: string): string {
  return date.slice(0, 4);
}

/**
 * Tag → values for one record. `set` replaces (as assigning a Perl hash key does) and
 * ignores an unset value, as EPrints' `exists_and_set` guards do; `add` appends one value
 * of a repeated tag, even an empty one (EPrints pushes the empty pieces of split
 * keywords). `entries` writes the tags in the order given at construction.
 */
export class TagTable<T extends string> {
  private readonly values = new Map<T, string[]>();
  constructor(private readonly order: readonly T[]) {}

  set(tag: T, value: string | number | undefined): void {
    if (isSet(value)) this.values.set(tag, [String(value)]);
  }

  add(tag: T, value: string | number | undefined): void {
    if (value === undefined) return;
    const list = this.values.get(tag);
    if (list) list.push(String(value));
    else this.values.set(tag, [String(value)]);
  }

  entries(): [T, string][] {
    return this.order.flatMap((tag) => (this.values.get(tag) ?? []).map((v): [T, string] => [tag, v]));
  }
}
