import type { SessionStore } from "./types";

export const CLEAR_BATCH_SIZE = 5000;

/** Django's clearsessions: deletes expired rows in bounded batches, so memory and lock time stay small. */
export async function clearExpiredSessions(store: SessionStore, batchSize = CLEAR_BATCH_SIZE): Promise<number> {
  let total = 0;
  for (;;) {
    const deleted = await store.clearExpired(batchSize);
    total += deleted;
    if (deleted < batchSize) return total;
  }
}
