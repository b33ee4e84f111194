import { runHook, type SessionHooks, type SessionStore } from "./types";

/** Rows one sweep deletes at most: a short write, whatever the table's size. */
export const SWEEP_BATCH = 1000;

/**
 * Deletes expired rows in the background: one bounded batch per interval per
 * process, off the request path (Django leaves this to a cron job running
 * clearsessions; `npm run sessions:clear` still does a full pass).
 * Returns a function that stops it.
 */
export function startExpirySweep(
  store: SessionStore,
  intervalSeconds: number,
  onError: (error: unknown) => void,
  hooks: SessionHooks = {},
): () => void {
  let running = false;
  const timer = setInterval(async () => {
    if (running) return;
    running = true;
    try {
      const count = await store.clearExpired(SWEEP_BATCH);
      if (count > 0) runHook(hooks.swept, { count });
    } catch (error) {
      onError(error);
    } finally {
      running = false;
    }
  }, intervalSeconds * 1000);
  timer.unref(); // never keeps a process alive
  return () => clearInterval(timer);
}
