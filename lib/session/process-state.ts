import { randomBytes } from "node:crypto";

/**
 * The library's process-wide state, all of it. Next.js loads the proxy, the
 * pages and the route handlers as separate bundles in one Node process, each
 * with its own copy of every module: state that must be one per process
 * (the storage circuit breaker) lives on globalThis, under one name, here.
 * Everything else is per bundle on purpose (the opened-seal cache in seal.ts:
 * a bounded cache, correct in any number of copies).
 */
interface ProcessState {
  /** The circuit breakers (availability.ts), by what they guard: when it last failed, and when the current outage began. */
  storeHealth: Record<string, { failedAt: number; trippedAt: number }>;
  /** Signs what the proxy hands the render in request headers (forwarded-messages.ts): only this process's proxy can. */
  forwardingSecret: Buffer;
}

const KEY = "__djangoGradeSessions";

export function processState(): ProcessState {
  const holder = globalThis as typeof globalThis & { [KEY]?: ProcessState };
  holder[KEY] ??= { storeHealth: {}, forwardingSecret: randomBytes(32) };
  return holder[KEY];
}
