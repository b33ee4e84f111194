import { runHook, type SessionHooks, type SessionStore } from "./types";

/**
 * Rows per batch of `sessions:clear`. Each batch is one short write lock and
 * memory for its rowids; far smaller batches rewrite the same random key-index
 * pages over and over (docs/DESIGN.md, Cleanup, has the figures).
 */
export const CLEAR_BATCH_SIZE = 100_000;

/** Django's clearsessions: deletes expired rows in bounded batches, so memory stays bounded by the batch. */
export async function clearExpiredSessions(store: SessionStore, batchSize = CLEAR_BATCH_SIZE, hooks: SessionHooks = {}): Promise<number> {
  let total = 0;
  for (;;) {
    const deleted = await store.clearExpired(batchSize);
    total += deleted;
    if (deleted < batchSize) {
      if (total > 0) runHook(hooks.swept, { count: total });
      return total;
    }
  }
}
