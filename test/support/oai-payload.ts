/** The element EPrints put inside `<metadata>` in an OAI-PMH GetRecord example. */
import { fixture } from "./examples.js";

export function oaiPayload(rel: string): string {
  const xml = fixture(`OAI-PMH/GetRecord/${rel}`);
  const m = /<metadata>\n {6}([\s\S]*)<\/metadata>/.exec(xml);
  if (!m) throw new Error(`no <metadata> in ${rel}`);
  return m[1]!;
}
