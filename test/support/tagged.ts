/**
 * Comparing tagged text whose tag order EPrints leaves to Perl's hash (RIS, Refer): a
 * record becomes tag → values, each tag's values in their written order (author order
 * matters), and two records are equal when those maps are. A line that does not start a
 * tag continues the value before it, as EPrints writes newlines inside values unchanged;
 * the blank line that ends a record is not part of its last value.
 */
export function tagValues(record: string, tagLine: RegExp): Map<string, string[]> {
  if (!record.endsWith("\n\n")) throw new Error("a record ends with a blank line");
  const out = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const line of record.slice(0, -2).split("\n")) {
    const m = tagLine.exec(line);
    if (m) {
      const tag = m[1]!;
      const list = out.get(tag) ?? [];
      list.push(line.slice(m[0].length));
      out.set(tag, list);
      current = list;
    } else if (current) {
      current[current.length - 1] += `\n${line}`;
    } else {
      throw new Error(`text before the first tag: ${JSON.stringify(line)}`);
    }
  }
  return out;
}

/** The tags in the order they first appear. */
export function tagOrder(record: string, tagLine: RegExp): string[] {
  return [...tagValues(record, tagLine).keys()];
}
