import Libsql from "libsql";

/**
 * The one direct connection a process keeps to a local database file,
 * shared by the app's prepared reads (lib/db/prepared-read.ts) and the
 * session store's statements. Shared, because SQLite empties a connection's
 * page cache whenever another connection has written: on two connections
 * each visit's session write made the catalogue read fetch its pages again
 * (docs/DESIGN.md). Users keep statements prepared on `get()`'s connection
 * and prepare again when it is a different one.
 */
export class LocalConnection {
  private current: Libsql.Database | undefined;

  constructor(
    private readonly file: string,
    private readonly busyTimeoutMs: number,
    private readonly pragmas: readonly string[],
  ) {}

  /** The open connection, opened (and configured) on first use. */
  get(): Libsql.Database {
    if (!this.current) {
      const connection = new Libsql(this.file, { timeout: this.busyTimeoutMs });
      connection.exec(this.pragmas.join("; "));
      this.current = connection;
    }
    return this.current;
  }

  /**
   * After a failed statement: libSQL can leave the connection inside a
   * transaction that never commits (lib/db/client.ts), so it is closed and
   * the next `get()` opens a fresh one (which also picks up a replaced file).
   * A connection already replaced is left to whoever replaced it.
   */
  reset(failed: Libsql.Database): void {
    if (this.current !== failed) return;
    this.current = undefined;
    try {
      failed.close();
    } catch {
      // already unusable: dropping it is all that is left to do
    }
  }
}
