/**
 * When a guarded resource (the session store, a page's storage, a cache)
 * last failed and when its current outage began, with one log line when an
 * outage begins and one when it ends, however many calls fail in between.
 * The circuit breaker (availability.ts) and the cached_db cache share it.
 */
export interface Outage {
  /** When a call last failed (0 after a success). */
  failedAt: number;
  /** When the current outage began (0 when there is none). */
  since: number;
}

export function newOutage(): Outage {
  return { failedAt: 0, since: 0 };
}

/** A call succeeded: an outage, if any, ends (`ended` is told how long it lasted). */
export function succeeded(outage: Outage, ended: (ms: number) => void): void {
  outage.failedAt = 0;
  if (!outage.since) return;
  ended(Date.now() - outage.since);
  outage.since = 0;
}

/** A call failed: an outage begins unless one is under way (`began` runs only then). */
export function failed(outage: Outage, began: () => void): void {
  outage.failedAt = Date.now();
  if (outage.since) return;
  outage.since = outage.failedAt;
  began();
}
