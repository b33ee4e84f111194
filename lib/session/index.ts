export { Session, detachedSession, type SessionOptions, type SessionTransport } from "./session";
export type { JsonValue, SessionData, SessionStore, SessionChange, LoadResult, WriteResult, UserSessionInfo } from "./types";
export {
  SessionTooLargeError,
  SessionValueError,
  SessionKeyError,
  SessionInterruptedError,
  SessionStoreUnavailableError,
  SessionEngineUnsupportedError,
} from "./errors";
export { settings, readSettings, ImproperlyConfigured, type SessionSettings } from "./settings";
export { getSession, withSession, isPrefetch, runRenderWrite, pageStorage, renewSessionKey, storageUnavailable } from "./next";
export { localPath } from "./local-path";
export { MISSING_DATA_HEADER, type RenderWrite, type RequiredData } from "./render-write";
