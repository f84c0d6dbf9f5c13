import { z } from "zod";

export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    instance: z.string().optional(),
    errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
    tombstone: z.record(z.string(), z.unknown()).optional(),
    available: z.array(z.string()).optional(),
  })
  .meta({ id: "Problem", description: "RFC 9457 problem details (application/problem+json)" });
