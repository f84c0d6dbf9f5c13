// Runs `prisma generate` without the native schema engine, which cannot be downloaded here.
// Generation itself runs in wasm; Prisma only checks that PRISMA_SCHEMA_ENGINE_BINARY exists.
import { existsSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import path from "node:path";

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const require = createRequire(import.meta.url);
let cli;
try {
  cli = require.resolve("prisma/build/index.js", { paths: [root] });
} catch {
  console.log("prisma CLI not installed (production install?): skipping generate");
  process.exit(0);
}
const env = { ...process.env };
if (!env.PRISMA_SCHEMA_ENGINE_BINARY) {
  const stub = path.join(root, "scripts", "no-schema-engine.sh");
  env.PRISMA_SCHEMA_ENGINE_BINARY = existsSync(stub) ? stub : process.execPath;
}
env.PRISMA_HIDE_UPDATE_MESSAGE = "1";
const r = spawnSync(process.execPath, [cli, "generate"], { cwd: root, env, stdio: "inherit" });
process.exit(r.status ?? 1);
