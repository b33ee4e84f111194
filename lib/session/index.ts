// The session library's core, free of Next.js: the session object, its types and errors, the one
// validation path, the cookie codec, settings and secrets parsing, and the stores. The Next.js
// glue (createSessions) is the other entry point, "lib/session/next".
export { Session, detachedSession, type SessionOptions, type SessionTransport } from "./session";
export type {
  JsonValue,
  SessionData,
  SessionStore,
  SessionChange,
  LoadResult,
  WriteResult,
  CycleResult,
  WriteContext,
  CycleContext,
  UserSessionInfo,
  UserSessions,
  SessionHooks,
  SessionEventInfo,
  SessionEngine,
  CookieCodec,
} from "./types";
export {
  SessionTooLargeError,
  SessionValueError,
  SessionKeyError,
  SessionInterruptedError,
  SessionKeyRequiredError,
  SessionStoreUnavailableError,
  SessionEngineUnsupportedError,
  SessionBudgetError,
  SessionBudgetExceededError,
  SessionStoreFullError,
} from "./errors";
export { assertValidKey, assertReservedKey, RESERVED_PREFIX, MAX_KEY_LENGTH, MAX_VALUE_DEPTH } from "./validate";
export { ClientBudget, clientBucket, type ClientBudgetLimits } from "./budget";
export { readSettings, ImproperlyConfigured, type SessionSettings, type SameSite } from "./settings";
export { parseSecrets, type SecretList } from "./secret";
export { keyFromCookie, keyCookie, sealKey, serverSideEngine, cookieAttributes, defaultMaxAge, deletingCookieAttributes, type CookieAttributes } from "./cookie";
export { hashKey, newSessionKey } from "./keys";
export { localPath } from "./local-path";
export { networkOf } from "./network";
export { isUnavailability, storeRecentlyFailed } from "./availability";
export { MISSING_DATA_HEADER, type RenderWrite, type RequiredData } from "./render-write";
export { clearExpiredSessions, CLEAR_BATCH_SIZE } from "./clear";
export { startExpirySweep, SWEEP_BATCH } from "./sweep";
export { LibsqlStore, type LibsqlConnection } from "./stores/libsql";
export { CookieStore, cookieEngine } from "./stores/cookie";
export { MemoryStore } from "./stores/memory";
export { FileStore, type FileStoreOptions } from "./stores/file";
