/** The subject and division tree. */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { requireAdmin } from "../../accounts/accounts.js";
import { problems } from "../../errors.js";
import { storableString } from "../../records/schema.js";
import type { SubjectTree } from "../../records/subjects.js";
import type { Services } from "../../services.js";
import { typed } from "../context.js";
import { ProblemSchema } from "../schemas.js";

const SubjectNameSchema = z.object({ name: storableString(1, 1024), lang: storableString(2, 16) });
const SubjectSchema = z
  .object({
    subjectid: z.string(),
    rev_number: z.number().int(),
    name: z.array(SubjectNameSchema),
    parents: z.array(z.string()),
    depositable: z.boolean(),
  })
  .meta({ id: "Subject" });
type SubjectNode = z.infer<typeof SubjectSchema> & { children: SubjectNode[] };
const SubjectNodeSchema: z.ZodType<SubjectNode> = z.lazy(() => SubjectSchema.extend({ children: z.array(SubjectNodeSchema) })).meta({ id: "SubjectNode" }) as z.ZodType<SubjectNode>;
const Ref = z.object({ subjectid: z.string(), name: z.string() });
const SubjectDetail = SubjectSchema.extend({ ancestors: z.array(Ref), children: z.array(Ref), paths: z.array(z.array(Ref)) }).meta({ id: "SubjectDetail" });
const SubjectParams = z.object({ id: z.string().regex(/^[A-Za-z0-9_.:-]{1,128}$/, "must be a subject id") });

function nested(tree: SubjectTree, id: string, seen = new Set<string>()): SubjectNode {
  const s = tree.get(id)!;
  seen.add(id);
  return { ...s, children: tree.children(id).filter((c) => !seen.has(c)).map((c) => nested(tree, c, new Set(seen))) };
}

export function subjectRoutes(app: FastifyInstance, { services }: { services: Services }): void {
  const r = typed(app);
  r.get(
    "/api/subjects",
    { schema: { tags: ["subjects"], summary: "The whole subject and division tree", response: { 200: z.object({ roots: z.array(SubjectNodeSchema) }) } } },
    async () => {
      const tree = await services.subjects.current();
      const roots = [...tree.all()].filter((s) => s.parents.length === 0 || s.parents.every((p) => p === "ROOT" || !tree.get(p)));
      return { roots: roots.map((s) => nested(tree, s.subjectid)) };
    },
  );

  r.get(
    "/api/subjects/:id",
    { schema: { tags: ["subjects"], summary: "One subject with its ancestors, children and full paths", params: SubjectParams, response: { 200: SubjectDetail, 404: ProblemSchema } } },
    async (req) => {
      const tree = await services.subjects.current();
      const s = tree.get(req.params.id);
      if (!s) throw problems.notFound(`subject ${req.params.id}`);
      const ref = (id: string) => ({ subjectid: id, name: tree.name(id) });
      return {
        ...s,
        ancestors: tree.ancestors(s.subjectid).map(ref),
        children: tree.children(s.subjectid).map(ref),
        paths: tree.paths(s.subjectid).map((p) => p.map(ref)),
      };
    },
  );

  r.put(
    "/api/subjects/:id",
    {
      schema: {
        tags: ["subjects"],
        summary: "Create or change a subject (admin)",
        params: SubjectParams,
        body: z.strictObject({ name: z.array(SubjectNameSchema).min(1), parents: z.array(z.string()).min(1), depositable: z.boolean().default(true) }),
        response: { 200: SubjectSchema, 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema },
      },
    },
    async (req) => {
      requireAdmin(req.viewer);
      return services.subjects.upsert({ subjectid: req.params.id, rev_number: 1, ...req.body });
    },
  );
}
