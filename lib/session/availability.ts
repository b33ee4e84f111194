import { SessionStoreUnavailableError } from "./errors";
import { failed, newOutage, succeeded } from "./outage";
import { processState } from "./process-state";
import type { SessionStore } from "./types";

/**
 * A process-wide circuit breaker for the session store. When storage is
 * unavailable (locked past the busy timeout, file gone or damaged, server
 * refusing connections), pages answer 503 for a short back-off instead of
 * piling onto the database; the first request after the back-off tries
 * again, so the server recovers by itself when the fault ends. Only errors
 * the driver marks as unavailability trip it: bad input is a 4xx, and any
 * other error a 500 with its stack, never a site-wide 503.
 * One per process (process-state.ts): the proxy and the pages are separate bundles.
 */
const BACKOFF_MS = 2000;

/**
 * What a breaker guards: the session store, or the app's own queries on a
 * page (pageStorage). Apart, so that with sessions in Redis and the catalogue
 * in libSQL one's answers say nothing about the other's health.
 */
export type Guarded = "session store" | "page storage";

function health(guarded: Guarded) {
  return (processState().storeHealth[guarded] ??= newOutage());
}

export function storeRecentlyFailed(guarded: Guarded = "session store"): boolean {
  return Date.now() - health(guarded).failedAt < BACKOFF_MS;
}

/**
 * SQLite's primary result codes that mean the storage itself is failing, not the statement.
 * Not SQLITE_FULL: a full disk still reads, and the store makes room or refuses the write (507).
 */
const UNAVAILABLE_SQLITE = /^SQLITE_(BUSY|LOCKED|IOERR|CANTOPEN|CORRUPT|NOTADB|READONLY|NOMEM|PROTOCOL)/;
/** Network failures (Node and undici codes) and libSQL's remote-protocol ones. */
const UNAVAILABLE_NETWORK = /^(ECONNREFUSED|ECONNRESET|ECONNABORTED|ETIMEDOUT|EPIPE|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|UND_ERR_|HRANA_|SERVER_ERROR$|CLIENT_CLOSED$|REDIS_UNAVAILABLE$)/;

/**
 * The file engine's directory failing: read-only, gone (SESSION_FILE_PATH_MISSING, from the store:
 * a missing session file is no fault), not a directory, out of file handles, I/O errors, a lock
 * held past the wait (ELOCKED, as SQLITE_BUSY). Not ENOSPC: a full disk still reads (507, as SQLITE_FULL).
 */
const UNAVAILABLE_FILE = /^(EROFS|EACCES|EPERM|ENOTDIR|EMFILE|ENFILE|EIO|ESTALE|ELOCKED|SESSION_FILE_PATH_MISSING)$/;

/** Whether an error (or one of its causes) says the storage cannot be reached or used. */
export function isUnavailability(error: unknown): boolean {
  for (let depth = 0, current = error; depth < 5 && current instanceof Error; depth++, current = current.cause) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && (UNAVAILABLE_SQLITE.test(code) || UNAVAILABLE_NETWORK.test(code) || UNAVAILABLE_FILE.test(code))) return true;
    // libSQL's local driver reports a file it cannot open with no code, only this message.
    if (current.message.startsWith("ConnectionFailed(")) return true;
    // fetch's own wrapper of a failed connection, when the cause carries no code.
    if (current instanceof TypeError && current.message === "fetch failed" && !(current.cause instanceof Error)) return true;
  }
  return false;
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  const cause = error.cause instanceof Error ? `; cause: ${describe(error.cause)}` : "";
  return `${typeof code === "string" && code ? `${code} ` : ""}${error.message}${cause}`;
}

/** Runs a storage call: an unavailability trips the breaker (logged once per trip); anything else passes through. */
export async function guardStorage<T>(call: Promise<T>, guarded: Guarded = "session store"): Promise<T> {
  const state = health(guarded);
  const what = guarded === "session store" ? "storage" : guarded;
  try {
    const result = await call;
    succeeded(state, (ms) => console.error(`[session] ${what} available again after ${ms} ms`));
    return result;
  } catch (error) {
    if (error instanceof SessionStoreUnavailableError || !isUnavailability(error)) throw error;
    // One line per outage, however many back-offs it lasts; recovery says how long it was.
    failed(state, () => console.error(`[session] ${what} unavailable: pages answer 503 in ${BACKOFF_MS} ms back-offs until it returns. Cause: ${describe(error)}`));
    throw new SessionStoreUnavailableError(error);
  }
}

/**
 * The same store with every storage call guarded; `onUnavailable` runs
 * first (a page redirects to the 503 page from there). Written out method by
 * method (it was a JS Proxy): the compiler now sees each one, and a method
 * the contract gains fails to compile here until it is guarded.
 */
export function guardedStore(store: SessionStore, onUnavailable: () => void = () => {}): SessionStore {
  const guard = async <T>(call: () => Promise<T>): Promise<T> => {
    try {
      return await guardStorage(Promise.resolve().then(call));
    } catch (error) {
      if (error instanceof SessionStoreUnavailableError) onUnavailable();
      throw error;
    }
  };
  const { users } = store;
  return {
    load: (key) => guard(() => store.load(key)),
    save: (key, change, ctx) => guard(() => store.save(key, change, ctx)),
    increment: (key, field, by, ctx) => guard(() => store.increment(key, field, by, ctx)),
    touch: (key, ctx) => guard(() => store.touch(key, ctx)),
    end: (key) => guard(() => store.end(key)),
    cycle: (oldKey, newKey, data, ctx) => guard(() => store.cycle(oldKey, newKey, data, ctx)),
    clearExpired: (limit) => guard(() => store.clearExpired(limit)),
    // Size checks never touch storage: not guarded.
    assertFits: store.assertFits?.bind(store),
    users: users && {
      list: (userId, currentKey) => guard(() => users.list(userId, currentKey)),
      endOthers: (userId, keepKey) => guard(() => users.endOthers(userId, keepKey)),
      endOne: (userId, id, keepKey) => guard(() => users.endOne(userId, id, keepKey)),
    },
  } satisfies { [K in keyof Required<SessionStore>]: SessionStore[K] };
}
