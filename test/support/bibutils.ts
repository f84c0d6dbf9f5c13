/**
 * Reading Vellum's RIS and EndNote output back with bibutils (Debian package `bibutils`),
 * a parser Vellum did not write: `ris2xml` / `end2xml` turn the text into MODS, and
 * `modsRecords` pulls out what a reference manager must not lose.
 */
import { spawnSync } from "node:child_process";
import { parseStringPromise } from "xml2js";

export function hasTool(name: string): boolean {
  return spawnSync("which", [name], { stdio: "ignore" }).status === 0;
}

/**
 * MODS XML on stdout, warnings on stderr. `-un`: no BOM; `-nl`: leave TeX-looking text
 * alone; `-nt`: keep the title whole (bibutils would split it at a colon or "?").
 */
export function bibutils(tool: "ris2xml" | "end2xml", input: string): { xml: string; stderr: string } {
  const r = spawnSync(tool, ["-un", "-nl", "-nt", "--verbose"], { input, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`${tool} failed: ${r.stderr}`);
  return { xml: r.stdout, stderr: r.stderr };
}

export interface ModsRecord {
  id: string;
  authors: { family?: string; given?: string }[];
  title?: string;
  dateIssued?: string;
  doi?: string;
}

type Node = Record<string, unknown[]> & { _?: string; $?: Record<string, string> };
const text = (n: unknown): string => (typeof n === "string" ? n : ((n as Node)?._ ?? ""));

export async function modsRecords(xml: string): Promise<ModsRecord[]> {
  const doc = (await parseStringPromise(xml)) as { modsCollection: { mods?: Node[] } };
  return (doc.modsCollection.mods ?? []).map((m) => {
    const titleInfo = m.titleInfo?.[0] as Node | undefined;
    const title = titleInfo?.title ? text(titleInfo.title[0]) : undefined;
    const authors = ((m.name ?? []) as Node[])
      .filter((n) => ((n.role?.[0] as Node | undefined)?.roleTerm ?? []).some((r) => text(r) === "author"))
      .map((n) => {
        const parts: { family?: string; given?: string } = {};
        for (const p of (n.namePart ?? []) as Node[]) {
          const kind = p.$?.type;
          // bibutils leaves a one-part name (no comma) untyped: that part is the family name.
          if (kind === "family" || kind === undefined) parts.family = text(p);
          else if (kind === "given") parts.given = parts.given ? `${parts.given} ${text(p)}` : text(p);
        }
        return parts;
      });
    const origin = m.originInfo?.[0] as Node | undefined;
    const doi = ((m.identifier ?? []) as Node[]).find((i) => i.$?.type === "doi");
    return {
      id: m.$?.ID ?? "",
      authors,
      title,
      dateIssued: origin?.dateIssued ? text(origin.dateIssued[0]) : undefined,
      doi: doi ? text(doi) : undefined,
    };
  });
}
