/**
 * Prisma's own schema engine (the wasm build shipped inside the prisma CLI package), driven
 * through the pg driver adapter. The native engine cannot be downloaded on this machine, so
 * this is how Vellum asks Prisma what SQL a schema.prisma change needs, and proves that a
 * database migrated by Vellum's runner is exactly what schema.prisma describes.
 * Development and test use only: it is an internal Prisma interface (pinned versions).
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import pg from "pg";
import { PrismaPg } from "@prisma/adapter-pg";
import { bindMigrationAwareSqlAdapterFactory } from "@prisma/driver-adapter-utils";

const require = createRequire(import.meta.url);

/** adapter-pg rejects PostgreSQL's internal "char" type (OID 18) that the describer reads. */
class CharAsTextPool extends pg.Pool {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  override query(...args: any[]): any {
    const fix = (res: pg.QueryResult) => {
      for (const f of res?.fields ?? []) if (f.dataTypeID === 18) f.dataTypeID = 25;
      return res;
    };
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const r = (super.query as any)(...args);
    return r && typeof r.then === "function" ? r.then(fix) : r;
  }
}

export interface SchemaEngineHandle {
  /** SQL that takes `from` to the datamodel; "-- This is an empty migration." when nothing. */
  diffFromDatabaseToSchema(schemaText: string): Promise<string>;
  diffFromEmptyToSchema(schemaText: string): Promise<string>;
  close(): Promise<void>;
}

export async function openSchemaEngine(connectionString: string, schemaPath: string): Promise<SchemaEngineHandle> {
  (globalThis as Record<string, unknown>).PRISMA_WASM_PANIC_REGISTRY = { set_message: (m: string) => console.error(m) };
  const glue = await import("@prisma/schema-engine-wasm/schema_engine_bg");
  const wasmPath = path.join(path.dirname(require.resolve("prisma/package.json")), "build", "schema_engine_bg.wasm");
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const { instance } = await (globalThis as any).WebAssembly.instantiate(readFileSync(wasmPath), { "./schema_engine_bg.js": glue as never });
  (glue as unknown as { __wbg_set_wasm(w: unknown): void }).__wbg_set_wasm(instance.exports);
  (instance.exports as unknown as { __wbindgen_start(): void }).__wbindgen_start();

  const pool = new CharAsTextPool({ connectionString, max: 2 });
  pool.on("error", () => {});
  const factory = new PrismaPg(pool as unknown as pg.Pool, { disposeExternalPool: true });
  const schemaText = readFileSync(schemaPath, "utf8");
  const files = [{ path: schemaPath, content: schemaText }];
  const engine = await glue.SchemaEngine.new(
    { datamodels: [[schemaPath, schemaText]] },
    () => {},
    bindMigrationAwareSqlAdapterFactory(factory as never),
  );
  const filters = { externalTables: [], externalEnums: [] };
  const run = async (from: unknown, text: string) => {
    const res = await engine.diff({
      from: from as never,
      to: { tag: "schemaDatamodel", files: [{ path: schemaPath, content: text }] },
      script: true,
      exitCode: null,
      filters,
    });
    return res.stdout ?? "";
  };
  return {
    diffFromDatabaseToSchema: (text) => run({ tag: "schemaDatasource", files, configDir: path.dirname(schemaPath) }, text),
    diffFromEmptyToSchema: (text) => run({ tag: "empty" }, text),
    close: async () => {
      engine.free();
      await pool.end().catch(() => {});
    },
  };
}
