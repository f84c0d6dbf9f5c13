/**
 * Users and API tokens. A token is `vel_<random>`; only its SHA-256 is stored, so a leaked
 * database does not leak credentials, and lookup by hash makes the comparison independent
 * of how many characters of a guess are right.
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import type { Database } from "../db/index.js";
import { Problem, problems } from "../errors.js";
import { NameSchema, storableString } from "../records/schema.js";
import { ANONYMOUS, type Usertype, type Viewer } from "./viewer.js";

export const USERTYPES = ["user", "editor", "admin"] as const;

export const UserInputSchema = z
  .strictObject({
    username: z.string().regex(/^[A-Za-z0-9_.@-]{1,255}$/, "letters, digits and _ . @ - only"),
    usertype: z.enum(USERTYPES).default("user"),
    email: z.email().max(255).optional(),
    name: NameSchema.optional(),
    dept: storableString(1, 255).optional(),
    org: storableString(1, 255).optional(),
  })
  .meta({ id: "NewUser" });
export type UserInput = z.input<typeof UserInputSchema>;

export const UserSchema = z
  .object({
    userid: z.number().int(),
    username: z.string(),
    usertype: z.enum(USERTYPES),
    email: z.string().optional(),
    name: z.record(z.string(), z.string()),
    dept: z.string().optional(),
    org: z.string().optional(),
  })
  .meta({ id: "User" });
export type User = z.infer<typeof UserSchema>;

export const TOKEN_PATTERN = /^vel_[A-Za-z0-9_-]{43}$/;

export function hashToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

function sameSecret(a: string, b: string): boolean {
  const ha = createHash("sha256").update(a).digest();
  const hb = createHash("sha256").update(b).digest();
  return timingSafeEqual(ha, hb);
}

type UserRow = {
  userid: number;
  username: string;
  usertype: Usertype;
  email: string | null;
  name: unknown;
  dept: string | null;
  org: string | null;
};

function toUser(r: UserRow): User {
  return {
    userid: r.userid,
    username: r.username,
    usertype: r.usertype,
    ...(r.email ? { email: r.email } : {}),
    name: (r.name ?? {}) as Record<string, string>,
    ...(r.dept ? { dept: r.dept } : {}),
    ...(r.org ? { org: r.org } : {}),
  };
}

export class Accounts {
  constructor(
    private readonly db: Database,
    private readonly adminToken?: string,
  ) {}

  /** Bearer header → viewer. Missing header: anonymous; anything wrong: 401. */
  async authenticate(header: string | undefined): Promise<Viewer> {
    if (header === undefined || header === "") return ANONYMOUS;
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!m) throw problems.unauthorized("malformed Authorization header: expected `Bearer <token>`");
    const token = m[1]!;
    if (this.adminToken && sameSecret(token, this.adminToken)) return this.bootstrapAdmin();
    if (!TOKEN_PATTERN.test(token)) throw problems.unauthorized("malformed token");
    const { rows } = await this.db.pool.query(
      `SELECT t.id, t.revoked, u.userid, u.username, u.usertype
         FROM api_token t JOIN "user" u ON u.userid = t.userid WHERE t.hash = $1`,
      [hashToken(token)],
    );
    const row = rows[0];
    if (!row) throw problems.unauthorized("unknown token");
    if (row.revoked) throw problems.unauthorized("token revoked");
    // last_used is informational: one cheap write a minute at most per token
    void this.db.pool
      .query("UPDATE api_token SET last_used = now() WHERE id = $1 AND (last_used IS NULL OR last_used < now() - interval '1 minute')", [row.id])
      .catch(() => {});
    return { kind: "user", userid: row.userid, username: row.username, usertype: row.usertype, tokenId: row.id };
  }

  private bootstrapCache?: Viewer;
  /** VELLUM_ADMIN_TOKEN acts as the `admin` user (created when missing). */
  private async bootstrapAdmin(): Promise<Viewer> {
    if (this.bootstrapCache) return this.bootstrapCache;
    const u = await this.ensureAdminUser();
    this.bootstrapCache = { kind: "user", userid: u.userid, username: u.username, usertype: "admin", tokenId: null };
    return this.bootstrapCache;
  }

  async ensureAdminUser(): Promise<User> {
    const { rows } = await this.db.pool.query(
      `INSERT INTO "user" (username, usertype, name) VALUES ('admin', 'admin', '{}'::jsonb)
       ON CONFLICT (username) DO UPDATE SET username = EXCLUDED.username RETURNING *`,
    );
    return toUser(rows[0]);
  }

  async createUser(input: z.output<typeof UserInputSchema>, userid?: number): Promise<User> {
    try {
      const row = await this.db.prisma.user.create({
        data: {
          ...(userid ? { userid } : {}),
          username: input.username,
          usertype: input.usertype,
          email: input.email ?? null,
          name: input.name ?? {},
          dept: input.dept ?? null,
          org: input.org ?? null,
        },
      });
      if (userid) await this.db.pool.query(`SELECT setval(pg_get_serial_sequence('"user"', 'userid'), GREATEST((SELECT max(userid) FROM "user"), 1))`);
      return toUser(row as UserRow);
    } catch (err) {
      if ((err as { code?: string }).code === "P2002") throw problems.conflict(`a user named ${input.username} already exists`);
      throw err;
    }
  }

  async getUser(userid: number): Promise<User | undefined> {
    const row = await this.db.prisma.user.findUnique({ where: { userid } });
    return row ? toUser(row as UserRow) : undefined;
  }

  async findByUsername(username: string): Promise<User | undefined> {
    const row = await this.db.prisma.user.findUnique({ where: { username } });
    return row ? toUser(row as UserRow) : undefined;
  }

  async listUsers(): Promise<User[]> {
    return (await this.db.prisma.user.findMany({ orderBy: { userid: "asc" } })).map((r) => toUser(r as UserRow));
  }

  /** Creates a token; the secret is returned once and never stored. */
  async createToken(userid: number, label?: string): Promise<{ id: number; token: string; prefix: string; created: string }> {
    if (!(await this.getUser(userid))) throw problems.notFound(`user ${userid}`);
    const token = `vel_${randomBytes(32).toString("base64url")}`;
    const prefix = token.slice(0, 12);
    const row = await this.db.prisma.api_token.create({
      data: { userid, label: label ?? null, hash: hashToken(token), prefix },
    });
    return { id: row.id, token, prefix, created: row.created.toISOString() };
  }

  async revokeToken(id: number): Promise<void> {
    const res = await this.db.prisma.api_token.updateMany({ where: { id, revoked: null }, data: { revoked: new Date() } });
    if (res.count === 0) {
      const exists = await this.db.prisma.api_token.findUnique({ where: { id } });
      if (!exists) throw problems.notFound(`token ${id}`);
    }
  }
}

export function requireUser(v: Viewer): Extract<Viewer, { kind: "user" }> {
  if (v.kind !== "user") throw problems.unauthorized();
  return v;
}

export function requireAdmin(v: Viewer): void {
  const u = requireUser(v);
  if (u.usertype !== "admin") throw problems.forbidden("only admins may do this");
}

export { Problem };
