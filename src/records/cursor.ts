/**
 * Opaque, signed continuation tokens (list cursors, OAI resumption tokens). They carry the
 * query and the keyset position, so any instance sharing the secret can serve any token,
 * a replayed token gives the same page, and a forged or edited one is refused.
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type pg from "pg";

export class TokenSigner {
  constructor(private readonly secret: string) {}

  sign(payload: unknown): string {
    const body = Buffer.from(JSON.stringify(payload), "utf8").toString("base64url");
    return `${body}.${this.mac(body)}`;
  }

  /** The payload, or undefined when the token is malformed or not ours. */
  verify<T>(token: string): T | undefined {
    if (token.length > 4096) return undefined;
    const dot = token.lastIndexOf(".");
    if (dot <= 0) return undefined;
    const body = token.slice(0, dot);
    const mac = Buffer.from(token.slice(dot + 1), "base64url");
    const expected = Buffer.from(this.mac(body), "base64url");
    if (mac.length !== expected.length || !timingSafeEqual(mac, expected)) return undefined;
    try {
      return JSON.parse(Buffer.from(body, "base64url").toString("utf8")) as T;
    } catch {
      return undefined;
    }
  }

  private mac(body: string): string {
    return createHmac("sha256", this.secret).update(body).digest("base64url").slice(0, 22);
  }
}

/**
 * The signing secret: VELLUM_TOKEN_SECRET when configured, else one generated once per
 * installation and kept in the database, so every instance on that database agrees.
 */
export async function installationSecret(pool: pg.Pool, configured?: string): Promise<string> {
  if (configured) return configured;
  await pool.query("INSERT INTO setting (key, value) VALUES ('token_secret', $1) ON CONFLICT (key) DO NOTHING", [
    randomBytes(32).toString("hex"),
  ]);
  const { rows } = await pool.query("SELECT value FROM setting WHERE key = 'token_secret'");
  return rows[0].value as string;
}
