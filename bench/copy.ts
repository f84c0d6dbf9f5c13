/**
 * `COPY (SELECT …) TO STDOUT` through node-postgres, for the bulk-export baseline: how fast
 * the database alone can hand over the same rows. node-postgres passes COPY data to the
 * active query object and leaves it there, so this is a minimal query object of that kind
 * (what pg-copy-streams does, without the dependency): it counts rows and bytes and keeps
 * nothing.
 */
import pg from "pg";

export interface CopyResult {
  rows: number;
  bytes: number;
  seconds: number;
}

class CopyOut {
  rows = 0;
  bytes = 0;
  private error: Error | undefined;
  readonly done: Promise<void>;
  private finish!: () => void;
  private fail!: (e: Error) => void;

  constructor(private readonly sql: string) {
    this.done = new Promise((resolve, reject) => {
      this.finish = resolve;
      this.fail = reject;
    });
  }

  submit(connection: { query(text: string): void }): void {
    connection.query(this.sql);
  }

  handleCopyData(msg: { chunk: Buffer }): void {
    const chunk = msg.chunk;
    this.bytes += chunk.length;
    // text COPY escapes newlines inside values, so every row ends with exactly one
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) this.rows++;
  }

  handleError(err: Error): void {
    this.error = err;
  }

  handleReadyForQuery(): void {
    if (this.error) this.fail(this.error);
    else this.finish();
  }

  handleCommandComplete(): void {}
  handleRowDescription(): void {}
  handleDataRow(): void {}
  handleEmptyQuery(): void {}
  handlePortalSuspended(): void {}
  handleCopyInResponse(): void {
    this.error = new Error("COPY FROM is not supported here");
  }
}

/** Runs `COPY (query) TO STDOUT [options]` and reports rows, bytes and time. */
export async function copyOut(url: string, query: string, options = ""): Promise<CopyResult> {
  const client = new pg.Client({ connectionString: url });
  client.on("error", () => {});
  await client.connect();
  try {
    const copy = new CopyOut(`COPY (${query}) TO STDOUT${options ? ` ${options}` : ""}`);
    const started = performance.now();
    client.query(copy as never);
    await copy.done;
    return { rows: copy.rows, bytes: copy.bytes, seconds: (performance.now() - started) / 1000 };
  } finally {
    await client.end();
  }
}
