import type { Client } from "@libsql/client";

/**
 * SQLite checkpoints the write-ahead log when a statement steps to its end;
 * the session store's writes take their RETURNING row with one step and a
 * reset (lib/session/stores/libsql-statements.ts), which commits without
 * ever getting there. So nothing checkpointed: a busy server's log grew by a
 * page per visit without end, its reads slowing as it grew (the measurements
 * are in docs/DESIGN.md). Each process folds the log back into the database file
 * on a timer instead: a passive checkpoint never waits for a lock or blocks
 * a reader or writer, and once every frame is back the next write starts
 * the log over.
 */
export const CHECKPOINT_INTERVAL_MS = 1000;

/** Checkpoints the client's local database every interval until the client is closed. */
export function startCheckpoints(client: Client, intervalMs = CHECKPOINT_INTERVAL_MS): void {
  const timer = setInterval(() => {
    if (client.closed) return clearInterval(timer);
    client.execute("PRAGMA wal_checkpoint(PASSIVE)").catch(() => {
      // A failed checkpoint loses nothing: the log stays, and the next one tries again.
    });
  }, intervalMs);
  timer.unref(); // never what keeps a process alive
}
