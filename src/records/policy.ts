/**
 * Who may see and do what with an eprint: EPrints' roles (perl_lib/EPrints/DataObj/User.pm)
 * reduced to Vellum's three user types. Pure functions, so the rules can be read in one place.
 */
import { isStaff, type Viewer } from "../accounts/viewer.js";
import { EPRINT_FIELDS } from "./fields.js";
import type { EPrint, EPrintStatus } from "./schema.js";

export function isOwner(v: Viewer, r: Pick<EPrint, "userid">): boolean {
  return v.kind === "user" && r.userid !== undefined && v.userid === r.userid;
}

export type Access = "full" | "gone" | "hidden";

/**
 * Archive items are public. Retired items are gone (410) to everyone but their owner and
 * staff. Inbox and buffer items exist only for their owner and staff: to anyone else they
 * answer 404, so their existence does not leak.
 */
export function readAccess(v: Viewer, r: Pick<EPrint, "eprint_status" | "userid">): Access {
  if (isStaff(v) || isOwner(v, r)) return "full";
  if (r.eprint_status === "archive") return "full";
  if (r.eprint_status === "deletion") return "gone";
  return "hidden";
}

/** Owners edit their inbox items; staff edit anything not retired. */
export function canEdit(v: Viewer, r: Pick<EPrint, "eprint_status" | "userid">): boolean {
  if (r.eprint_status === "deletion") return false;
  if (isStaff(v)) return true;
  return isOwner(v, r) && r.eprint_status === "inbox";
}

/** Only items never made public may be destroyed: owners their inbox, staff inbox and buffer. */
export function canDelete(v: Viewer, r: Pick<EPrint, "eprint_status" | "userid">): boolean {
  if (isStaff(v)) return r.eprint_status === "inbox" || r.eprint_status === "buffer";
  return isOwner(v, r) && r.eprint_status === "inbox";
}

/** Status moves, as EPrints' move_* privileges allow them. */
const STAFF_MOVES: Record<EPrintStatus, EPrintStatus[]> = {
  inbox: ["buffer", "archive"],
  buffer: ["inbox", "archive", "deletion"],
  archive: ["buffer", "deletion"],
  deletion: ["archive", "buffer"],
};
const OWNER_MOVES: Record<EPrintStatus, EPrintStatus[]> = {
  inbox: ["buffer"],
  buffer: ["inbox"],
  archive: [],
  deletion: [],
};

export function allowedMoves(v: Viewer, r: Pick<EPrint, "eprint_status" | "userid">): EPrintStatus[] {
  if (isStaff(v)) return STAFF_MOVES[r.eprint_status];
  if (isOwner(v, r)) return OWNER_MOVES[r.eprint_status];
  return [];
}

/** Sub-fields public exports never carry (creator e-mails and staff ids). */
const PRIVATE_PERSON_FIELDS = ["creators", "editors", "contributors"] as const;
/** Top-level fields only staff and the owner see. */
const OWNER_FIELDS = EPRINT_FIELDS.filter((f) => !f.exported && !f.subfields).map((f) => f.name);

/**
 * The record as `v` may see it: staff see everything; everyone else loses creator ids
 * (usually e-mails), and non-owners also the depositor's private fields (contact_email,
 * suggestions). ORCIDs are public identifiers and stay.
 */
export function viewFor(v: Viewer, r: EPrint): EPrint {
  if (isStaff(v)) return r;
  const out: Record<string, unknown> = { ...r };
  for (const f of PRIVATE_PERSON_FIELDS) {
    const list = r[f];
    if (list) out[f] = list.map(({ id: _id, ...rest }) => rest);
  }
  if (!isOwner(v, r)) for (const f of OWNER_FIELDS) delete out[f];
  return out as EPrint;
}

/**
 * A non-staff PUT cannot see creator ids, so it must not erase them by omission: a person
 * sent without an id keeps the id of the stored person with the same name.
 */
export function keepHiddenIds<T extends { name: object; id?: string }>(incoming: T[] | undefined, stored: T[] | undefined): T[] | undefined {
  if (!incoming || !stored) return incoming;
  const key = (p: T) => {
    const n = p.name as Record<string, string | undefined>;
    return [n.family, n.given, n.lineage, n.honourific].join("\u0000");
  };
  const ids = new Map<string, string[]>();
  for (const p of stored) if (p.id) ids.set(key(p), [...(ids.get(key(p)) ?? []), p.id]);
  return incoming.map((p) => {
    if (p.id !== undefined) return p;
    const queue = ids.get(key(p));
    const id = queue?.shift();
    return id ? { ...p, id } : p;
  });
}
