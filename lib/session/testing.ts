// The library's internals that its own tests and the bench reach: the stores behind the engine
// factories, the contract's types, keys and seals, budgets, sweeps and the proxy's names. Apart from
// the app-facing entry points (lib/session, lib/session/next, lib/session/redis, lib/session/messages):
// the app never imports this one (test/boundaries.test.ts).
export { detachedSession, type SessionOptions, type SessionTransport } from "./session";
export type { SessionStore, SessionChange, LoadResult, WriteContext, CycleContext, CookieCodec } from "./types";
export { DataKeyError, SessionBudgetExceededError, SessionStoreFullError } from "./errors";
export { assertReservedDataKey } from "./validate";
export { ClientBudget, clientBucket } from "./budget";
export { parseSecrets } from "./secret";
export { seal, sealedLength, unseal } from "./seal";
export { keyFromCookie, keyCookie, sealKey, serverSideEngine, cookieAttributes, deletingCookieAttributes } from "./key-cookie";
export { hashKey, newSessionKey } from "./keys";
export { networkOf } from "./network";
export { isUnavailability, storeRecentlyFailed } from "./availability";
export { clearExpiredSessions } from "./clear";
export { sessionServices } from "./services";
export { startExpirySweep, SWEEP_BATCH } from "./sweep";
export { LibsqlStore } from "./stores/libsql";
export { CookieStore } from "./stores/cookie";
export { MemoryStore } from "./stores/memory";
export { FileStore } from "./stores/file";
export { RedisStore } from "./stores/redis";
export { CachedDbStore, type RecordStore } from "./stores/cached-db";
export { RedisUnavailableError, type OpenedRedis, type RedisTarget } from "./stores/redis-client";
export { RENEW_PATH, UNAVAILABLE_PATH } from "./next/paths";
export { CHECKED_COOKIE, CHECKED_VALUE } from "./next/request-headers";
// The messages' core (lib/session/messages/pending.ts) and the proxy's signed hand-over, for their unit tests.
export { addMessage, takeMessages, MAX_MESSAGE_LENGTH, MAX_PENDING_MESSAGES, MESSAGE_KEY_PREFIX } from "./messages/pending";
export { signForwarded, verifyForwarded } from "./forwarded";
