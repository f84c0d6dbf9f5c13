/** `npm run vellum -- import FILE`: the importer with a progress line (records/s, ETA). */
import { createReadStream, statSync } from "node:fs";
import { readFile } from "node:fs/promises";
import type { Services } from "../services.js";
import { Importer } from "./import.js";

export async function runImportCommand(services: Services, file: string | undefined, opts: { preserveIds: boolean; username?: string }): Promise<number> {
  if (!file) throw new Error("usage: import FILE [--preserve-ids] [--user NAME]");
  const source = file;
  const user = opts.username ? await services.accounts.findByUsername(opts.username) : await services.accounts.ensureAdminUser();
  if (!user) throw new Error(`no user named ${opts.username}`);
  const viewer = { kind: "user" as const, userid: user.userid, username: user.username, usertype: user.usertype, tokenId: null };
  const size = statSync(file).size;
  const started = Date.now();
  let bytes = 0;
  // counted as the importer reads (a "data" listener would start the stream flowing on its own)
  async function* counted(): AsyncGenerator<Buffer> {
    for await (const chunk of createReadStream(source)) {
      bytes += (chunk as Buffer).length;
      yield chunk as Buffer;
    }
  }
  const tty = process.stderr.isTTY;
  let last = 0;
  const onProgress = (p: { records: number; created: number; failed: number }) => {
    const now = Date.now();
    if (now - last < 250 && bytes < size) return;
    last = now;
    const secs = (now - started) / 1000;
    const rate = p.records / Math.max(secs, 0.001);
    const frac = size ? bytes / size : 1;
    const eta = frac > 0 ? (secs / frac - secs).toFixed(0) : "?";
    const width = 30;
    const bar = "#".repeat(Math.round(frac * width)).padEnd(width, ".");
    const line = `[${bar}] ${(frac * 100).toFixed(1)}% ${p.records} records, ${p.created} created, ${p.failed} failed, ${rate.toFixed(0)} records/s, ETA ${eta}s`;
    process.stderr.write(tty ? `\r${line}` : `${line}\n`);
  };
  const importer = new Importer(services);
  const report = /\.bib$/i.test(file)
    ? await importer.importBibtex(await readFile(file, "utf8"), { viewer, preserveIds: false, onProgress })
    : await importer.importEp3Xml(counted(), { viewer, preserveIds: opts.preserveIds, onProgress });
  const secs = (Date.now() - started) / 1000;
  if (tty) process.stderr.write("\n");
  const n = report.kind === "eprints" ? report.created.length : report.imported.length;
  console.log(`imported ${n} ${report.kind} in ${secs.toFixed(1)} s (${(n / Math.max(secs, 0.001)).toFixed(0)}/s); ${report.failed.length} failed, ${report.warnings.length} with warnings`);
  for (const f of report.failed.slice(0, 20)) console.log(`  record ${f.position}${f.line ? ` (line ${f.line})` : ""}: ${f.errors.map((e) => `${e.field}: ${e.message}`).join("; ")}`);
  if (report.aborted) console.log(`  stopped at record ${report.aborted.position}: ${report.aborted.message}`);
  return report.failed.length || report.aborted ? 1 : 0;
}
