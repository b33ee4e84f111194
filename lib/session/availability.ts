import {
  SessionEngineUnsupportedError,
  SessionKeyError,
  SessionStoreUnavailableError,
  SessionTooLargeError,
  SessionValueError,
} from "./errors";
import type { SessionStore } from "./types";

/**
 * A process-wide circuit breaker for the session store. When a store call
 * fails for a reason other than bad input (locked past the busy timeout,
 * file gone, server refusing connections), pages answer 503 for a short
 * back-off instead of piling onto the database; the first request after the
 * back-off tries again, so the server recovers by itself when the fault ends.
 * Kept on globalThis: the proxy and the pages are separate bundles in one process.
 */
const BACKOFF_MS = 2000;
const state = ((globalThis as { __sessionStoreHealth?: { failedAt: number } }).__sessionStoreHealth ??= { failedAt: 0 });

export function storeRecentlyFailed(): boolean {
  return Date.now() - state.failedAt < BACKOFF_MS;
}

function isBadInput(error: unknown): boolean {
  return (
    error instanceof SessionValueError ||
    error instanceof SessionTooLargeError ||
    error instanceof SessionKeyError ||
    error instanceof SessionEngineUnsupportedError
  );
}

/** Runs a storage call: bad input passes through; any other failure becomes SessionStoreUnavailableError. */
export async function guardStorage<T>(call: Promise<T>): Promise<T> {
  try {
    const result = await call;
    state.failedAt = 0;
    return result;
  } catch (error) {
    if (isBadInput(error) || error instanceof SessionStoreUnavailableError) throw error;
    state.failedAt = Date.now();
    throw new SessionStoreUnavailableError(error);
  }
}

/** Store methods that never touch storage (cookie sealing, size checks): not guarded. */
const LOCAL_METHODS = new Set<PropertyKey>(["readCookie", "cookieValue", "assertFits"]);

/**
 * The same store with every storage call guarded; `onUnavailable` runs
 * first (a page redirects to the 503 page from there).
 */
export function guardedStore(store: SessionStore, onUnavailable: () => void = () => {}): SessionStore {
  const guard = <T extends object>(target: T): T =>
    new Proxy(target, {
      get(obj, property, receiver) {
        const value: unknown = Reflect.get(obj, property, receiver);
        if (property === "users" && typeof value === "object" && value !== null) return guard(value);
        if (typeof value !== "function") return value;
        if (LOCAL_METHODS.has(property)) return value.bind(obj);
        return async (...args: unknown[]) => {
          try {
            return await guardStorage(Promise.resolve(value.apply(obj, args)));
          } catch (error) {
            if (error instanceof SessionStoreUnavailableError) onUnavailable();
            throw error;
          }
        };
      },
    });
  return guard(store);
}
