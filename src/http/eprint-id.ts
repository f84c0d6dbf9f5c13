/** The eprint id in an EPrints URL (`/id/eprint/N`, `/cgi/export/eprint/N/…`, `/rest/eprint/N…`). */
import { problems } from "../errors.js";

/**
 * Digits only: anything else names nothing (404). EPrints redirects leading zeros away;
 * `canonical` is false then.
 */
export function eprintIdOf(raw: string): { id: number; canonical: boolean } {
  if (!/^\d{1,12}$/.test(raw)) throw problems.notFound(`eprint ${raw.slice(0, 64)}`);
  const id = Number(raw);
  if (id < 1) throw problems.notFound(`eprint ${raw}`);
  return { id, canonical: String(id) === raw };
}
