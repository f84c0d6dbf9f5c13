/**
 * Resumption tokens: stateless, signed, keyset-based. A token carries the original query
 * (verb, metadataPrefix, from, until, set), the last eprintid delivered and the number of
 * records delivered so far; the next page is `eprintid > last` under the same query. So
 * any instance sharing the signing secret serves any token, a replayed token gives the same
 * page, and page 1000 is one index range scan like page 1.
 *
 * Why eprintid and not (datestamp, eprintid): eprintid never changes. A record edited
 * during a harvest keeps its place: if it is still ahead of the cursor the harvester gets
 * it once, in its new state; if it was already delivered it is not delivered again, and the
 * next incremental harvest (from = this harvest's start) picks up the change, because its
 * datestamp moved past that point. Paging on (datestamp, eprintid) would move an edited
 * record from behind the cursor to the end of the list and deliver it twice. New records get
 * higher eprintids and arrive at the end. This is also the key EPrints pages on.
 */
import { z } from "zod";
import type { TokenSigner } from "../records/cursor.js";

/** How long a token stays valid; OAI-PMH guidelines ask for at least 24 hours. */
export const TOKEN_LIFETIME_SECONDS = 24 * 60 * 60;

const TokenSchema = z.strictObject({
  t: z.literal("oai"),
  verb: z.enum(["ListRecords", "ListIdentifiers"]),
  metadataPrefix: z.string(),
  from: z.string().optional(),
  until: z.string().optional(),
  set: z.string().optional(),
  /** the last eprintid delivered */
  after: z.number().int().min(0),
  /** records delivered before the page this token asks for */
  cursor: z.number().int().min(0),
  /**
   * The list's size when it was counted (on the first page) and the highest eprintid then in
   * it: later pages count only what was added above `top`, not the whole rest of the list.
   * Absent from tokens issued before Vellum kept them; such a list is counted again once.
   */
  n: z.number().int().min(0).optional(),
  top: z.number().int().min(0).optional(),
  /** expiry, seconds since the epoch */
  exp: z.number().int(),
});

export type ResumptionState = Omit<z.infer<typeof TokenSchema>, "t" | "exp">;

export function issueToken(signer: TokenSigner, state: ResumptionState, now: Date): { token: string; expires: Date } {
  const exp = Math.floor(now.getTime() / 1000) + TOKEN_LIFETIME_SECONDS;
  return { token: signer.sign({ t: "oai", ...state, exp }), expires: new Date(exp * 1000) };
}

/** The state a token carries, or why it is refused (badResumptionToken). */
export function readToken(signer: TokenSigner, token: string, verb: string, now: Date): ResumptionState | { error: string } {
  const payload = signer.verify<unknown>(token);
  const parsed = payload === undefined ? undefined : TokenSchema.safeParse(payload);
  if (!parsed?.success) return { error: "The value of the resumptionToken argument is invalid: pass back the token of the previous response unchanged." };
  const { t: _t, exp, ...state } = parsed.data;
  if (state.verb !== verb) return { error: `This resumptionToken continues a ${state.verb} list, not ${verb}.` };
  if (now.getTime() / 1000 > exp) return { error: "The resumptionToken has expired: start the list again." };
  return state;
}
