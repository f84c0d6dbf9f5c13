/** Users and API tokens. */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { UserInputSchema, UserSchema, requireAdmin, requireUser } from "../../accounts/accounts.js";
import { isAdmin } from "../../accounts/viewer.js";
import { storableString } from "../../records/schema.js";
import { problems } from "../../errors.js";
import type { Services } from "../../services.js";
import { typed } from "../context.js";
import { ProblemSchema } from "../schemas.js";

const IdParams = z.object({ id: z.coerce.number().int().positive().max(2_147_483_647) });
const errors = { 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema };
const NewToken = z
  .object({
    id: z.number().int(),
    token: z.string().meta({ description: "the secret: shown once, never again" }),
    prefix: z.string(),
    created: z.string(),
  })
  .meta({ id: "NewToken" });

export function accountRoutes(app: FastifyInstance, { services }: { services: Services }): void {
  const r = typed(app);
  const accounts = services.accounts;

  r.post(
    "/api/users",
    { schema: { tags: ["users"], summary: "Create a user (admin)", body: UserInputSchema, response: { 201: UserSchema, ...errors, 409: ProblemSchema } } },
    async (req, reply) => {
      requireAdmin(req.viewer);
      return reply.status(201).send(await accounts.createUser(req.body));
    },
  );

  r.get(
    "/api/users/:id",
    { schema: { tags: ["users"], summary: "A user (admin, or the user themself)", params: IdParams, response: { 200: UserSchema, ...errors } } },
    async (req) => {
      const me = requireUser(req.viewer);
      if (!isAdmin(me) && me.userid !== req.params.id) throw problems.forbidden("you may only read your own account");
      const user = await accounts.getUser(req.params.id);
      if (!user) throw problems.notFound(`user ${req.params.id}`);
      return user;
    },
  );

  r.post(
    "/api/users/:id/tokens",
    {
      schema: {
        tags: ["users"],
        summary: "Create an API token for a user (admin, or the user for themself); the secret is returned once",
        params: IdParams,
        body: z.strictObject({ label: storableString(1, 255).optional() }).optional(),
        response: { 201: NewToken, ...errors },
      },
    },
    async (req, reply) => {
      const me = requireUser(req.viewer);
      if (!isAdmin(me) && me.userid !== req.params.id) throw problems.forbidden("you may only create tokens for yourself");
      return reply.status(201).header("cache-control", "no-store").send(await accounts.createToken(req.params.id, req.body?.label));
    },
  );

  r.delete(
    "/api/tokens/:id",
    { schema: { tags: ["users"], summary: "Revoke a token (admin)", params: IdParams, response: { 204: z.null(), ...errors } } },
    async (req, reply) => {
      requireAdmin(req.viewer);
      await accounts.revokeToken(req.params.id);
      return reply.status(204).send(null);
    },
  );
}
