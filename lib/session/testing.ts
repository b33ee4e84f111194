// The library's internals that its tests and the bench reach, apart from the app-facing entry
// points (lib/session, lib/session/next, lib/session/redis); the app never imports this one.
export { seal, sealedLength } from "./seal";
// The messages' core (lib/session/messages/pending.ts) and the proxy's signed hand-over, for their unit tests.
export { addMessage, takeMessages, MAX_MESSAGE_LENGTH, MAX_PENDING_MESSAGES, MESSAGE_KEY_PREFIX } from "./messages/pending";
export { signForwarded, verifyForwarded } from "./next/forwarded";
