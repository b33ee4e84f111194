// The session library's core, free of Next.js: what an app names. The Next.js glue (createSessions)
// is "lib/session/next", the Redis engines "lib/session/redis"; the internals its own tests reach are
// "lib/session/testing", never the app's.
export { Session } from "./session";
export type { JsonValue, SessionData, SessionEngine, SessionHooks, UserSessionInfo } from "./types";
export type { SecretList } from "./secret";
export type { RenderWrite, RequiredData } from "./render-write";
export { SessionValueError, SessionTooLargeError, SessionBudgetError, SessionEngineUnsupportedError, ImproperlyConfigured } from "./errors";
export { readSettings } from "./settings";
export { assertValidDataKey } from "./validate";
export { localPath } from "./local-path";
export { libsqlEngine, type LibsqlConnection } from "./stores/libsql";
export { fileEngine } from "./stores/file";
export { cookieEngine } from "./stores/cookie";
