/**
 * The request grammar of OAI-PMH §3.1 and §4: which arguments each verb takes, and the
 * errors a request earns before anything is looked up (badVerb, badArgument). Every
 * problem is reported, not just the first, as EPrints does.
 */
import type { OaiError } from "./xml.js";

export const VERBS = ["Identify", "ListMetadataFormats", "ListSets", "ListIdentifiers", "ListRecords", "GetRecord"] as const;
export type Verb = (typeof VERBS)[number];

export const ARGUMENTS = ["identifier", "metadataPrefix", "from", "until", "set", "resumptionToken"] as const;
export type ArgName = (typeof ARGUMENTS)[number];
export type Args = Partial<Record<ArgName, string>>;

interface Grammar {
  required: ArgName[];
  optional: ArgName[];
  /** allowed only with `verb` */
  exclusive?: ArgName;
}

const LIST: Grammar = { required: ["metadataPrefix"], optional: ["from", "until", "set"], exclusive: "resumptionToken" };
const GRAMMAR: Record<Verb, Grammar> = {
  Identify: { required: [], optional: [] },
  ListMetadataFormats: { required: [], optional: ["identifier"] },
  ListSets: { required: [], optional: [], exclusive: "resumptionToken" },
  ListIdentifiers: LIST,
  ListRecords: LIST,
  GetRecord: { required: ["identifier", "metadataPrefix"], optional: [] },
};

const METADATA_PREFIX = /^[A-Za-z0-9\-_.!~*'()]+$/;

export type ParsedRequest = { ok: true; verb: Verb; args: Args } | { ok: false; errors: OaiError[] };

/** `pairs` are the decoded query (GET) or form (POST) parameters, in order, repeats kept. */
export function parseRequest(pairs: [string, string][]): ParsedRequest {
  const errors: OaiError[] = [];
  const seen = new Map<string, string>();
  const repeated = new Set<string>();
  for (const [k, v] of pairs) {
    if (seen.has(k)) repeated.add(k);
    else seen.set(k, v);
  }

  const verb = seen.get("verb");
  if (repeated.has("verb")) return { ok: false, errors: [{ code: "badVerb", message: "The verb argument is repeated" }] };
  if (verb === undefined) return { ok: false, errors: [{ code: "badVerb", message: "Requires verb argument" }] };
  if (!(VERBS as readonly string[]).includes(verb)) {
    return { ok: false, errors: [{ code: "badVerb", message: "The value of the verb argument is not a legal OAI-PMH verb" }] };
  }
  const grammar = GRAMMAR[verb as Verb];
  const allowed = new Set<string>(["verb", ...grammar.required, ...grammar.optional, ...(grammar.exclusive ? [grammar.exclusive] : [])]);

  const args: Args = {};
  for (const [k, v] of seen) {
    if (k === "verb") continue;
    if (!allowed.has(k)) errors.push({ code: "badArgument", message: `Unrecognised argument '${k}' for ${verb}` });
    else if (repeated.has(k)) errors.push({ code: "badArgument", message: `The argument '${k}' is repeated` });
    else if (v === "") errors.push({ code: "badArgument", message: `The argument '${k}' is empty` });
    else args[k as ArgName] = v;
  }

  if (grammar.exclusive && args[grammar.exclusive] !== undefined) {
    const others = [...seen.keys()].filter((k) => k !== "verb" && k !== grammar.exclusive);
    if (others.length) {
      errors.push({
        code: "badArgument",
        message: `'${grammar.exclusive}' is exclusive and cannot be used with any other argument (except 'verb'): got ${others.map((k) => `'${k}'`).join(", ")}`,
      });
    }
  } else {
    for (const name of grammar.required) {
      if (!seen.has(name)) errors.push({ code: "badArgument", message: `Missing required argument '${name}'` });
    }
  }

  if (args.metadataPrefix !== undefined && !METADATA_PREFIX.test(args.metadataPrefix)) {
    errors.push({ code: "badArgument", message: `'metadataPrefix' may only contain A-Z a-z 0-9 - _ . ! ~ * ' ( )` });
  }
  return errors.length ? { ok: false, errors } : { ok: true, verb: verb as Verb, args };
}

/** Attributes of `request`: the verb, then the arguments in the protocol's order. */
export function requestAttributes(verb: Verb, args: Args): [string, string][] {
  const out: [string, string][] = [["verb", verb]];
  for (const name of ARGUMENTS) if (args[name] !== undefined) out.push([name, args[name]!]);
  return out;
}
