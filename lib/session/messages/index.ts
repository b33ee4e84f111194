// Django's messages framework, beside the sessions: one-time notes an action leaves for the next page.
// It uses the session's public API and plugs into the proxy through createSessions' `proxySteps`.
export { createMessages } from "./create-messages";
export { MESSAGES_COOKIE } from "./proxy-step";
export type { Message, MessageLevel } from "./pending";
