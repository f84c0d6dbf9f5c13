/** Who is asking: the unit every permission rule is written against. */
export type Usertype = "user" | "editor" | "admin";

export type Viewer =
  | { kind: "anonymous" }
  | { kind: "user"; userid: number; username: string; usertype: Usertype; tokenId: number | null };

export const ANONYMOUS: Viewer = { kind: "anonymous" };

/** Editors and admins: EPrints' staff. */
export function isStaff(v: Viewer): boolean {
  return v.kind === "user" && (v.usertype === "editor" || v.usertype === "admin");
}

export function isAdmin(v: Viewer): boolean {
  return v.kind === "user" && v.usertype === "admin";
}

export function useridOf(v: Viewer): number | undefined {
  return v.kind === "user" ? v.userid : undefined;
}
