/**
 * Expected failures as data (DESIGN.md rule 5): thrown by the domain, mapped once to
 * application/problem+json (RFC 9457) by the HTTP layer. Anything else is a bug: logged
 * with the request id and answered 500 without internals.
 */
export interface FieldProblem {
  /** Dotted path of the field, e.g. `creators[0].orcid`; a query parameter's name. */
  field: string;
  message: string;
}

export class Problem extends Error {
  constructor(
    readonly status: number,
    readonly slug: string,
    readonly title: string,
    readonly detail?: string,
    readonly extra: Record<string, unknown> & { errors?: FieldProblem[] } = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(detail ?? title);
  }
}

export const problems = {
  invalid: (errors: FieldProblem[], detail?: string) =>
    new Problem(400, "invalid", "Invalid request", detail ?? errors.map((e) => `${e.field}: ${e.message}`).join("; "), { errors }),
  badParameter: (field: string, message: string) =>
    new Problem(400, "invalid-parameter", "Invalid parameter", `${field}: ${message}`, { errors: [{ field, message }] }),
  unauthorized: (detail = "authentication required: send Authorization: Bearer <token>") =>
    new Problem(401, "unauthorized", "Unauthorized", detail, {}, { "www-authenticate": 'Bearer realm="vellum"' }),
  forbidden: (detail: string) => new Problem(403, "forbidden", "Forbidden", detail),
  notFound: (what: string) => new Problem(404, "not-found", "Not Found", `${what} does not exist`),
  gone: (detail: string, tombstone: Record<string, unknown>) => new Problem(410, "gone", "Gone", detail, { tombstone }),
  conflict: (detail: string) => new Problem(409, "conflict", "Conflict", detail),
  preconditionFailed: (detail: string) => new Problem(412, "precondition-failed", "Precondition Failed", detail),
  preconditionRequired: () =>
    new Problem(
      428,
      "precondition-required",
      "Precondition Required",
      "send If-Match with the record's current ETag, so a concurrent change is not overwritten",
    ),
  notAcceptable: (available: string[]) =>
    new Problem(406, "not-acceptable", "Not Acceptable", "none of the accepted media types is available", { available }),
  unsupportedMediaType: (detail: string) => new Problem(415, "unsupported-media-type", "Unsupported Media Type", detail),
  tooLarge: (detail: string) => new Problem(413, "too-large", "Payload Too Large", detail),
  unavailable: (detail: string, retryAfter = 5) =>
    new Problem(503, "unavailable", "Service Unavailable", detail, {}, { "retry-after": String(retryAfter) }),
};

/** zod issues → field problems with the dotted paths clients see. */
export function fieldPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const p of path) out += typeof p === "number" ? `[${p}]` : out ? `.${String(p)}` : String(p);
  return out || "(body)";
}
