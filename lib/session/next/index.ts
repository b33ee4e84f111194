// The session library's Next.js glue: build it once with createSessions() in an app-side file.
export {
  createSessions,
  isSameOrigin,
  isPrefetch,
  RENEW_PATH,
  UNAVAILABLE_PATH,
  type Sessions,
  type SessionsConfig,
} from "./create-sessions";
export { ACTION_REDIRECT_HEADER, CHECKED_COOKIE, CHECKED_VALUE, NEW_KEY_HEADER, RETURN_TO_HEADER } from "./request-headers";
