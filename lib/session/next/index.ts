// The session library's Next.js glue: build it once with createSessions() in an app-side file.
export { createSessions } from "./create-sessions";
