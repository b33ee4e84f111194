// The library's internals that its tests and the bench reach, apart from the app-facing entry
// points (lib/session, lib/session/next, lib/session/redis); the app never imports this one.
export { seal, sealedLength } from "./seal";
