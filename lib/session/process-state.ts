import { randomBytes } from "node:crypto";
import type { ClientBudget } from "./budget";
import { newOutage, type Outage } from "./outage";

/**
 * The library's process-wide state, all of it. Next.js loads the proxy, the
 * pages and the route handlers as separate bundles in one Node process, each
 * with its own copy of every module: state that must be one per process
 * (the storage circuit breaker; the opened seals, which the proxy makes and
 * the page opens) lives on globalThis, under one name, here.
 */
interface ProcessState {
  /** The circuit breakers (availability.ts), by what they guard: when it last failed, and when the current outage began. */
  storeHealth: Record<string, Outage>;
  /** A cache in front of the store (cached-db.ts), by key prefix: its health and the invalidations it missed. */
  cacheHealth: Record<string, CacheHealth>;
  /** Signs what the proxy hands the render in request headers (forwarded.ts): only this process's proxy can. */
  forwardingSecret: Buffer;
  /** Seals opened or made here (seal.ts), by a hash of the secret list, then by the sealed string: the opened JSON text. */
  openedSeals?: Map<string, Map<string, string>>;
  /** The per-client budgets of anonymous session data (budget.ts): one table per process, so a client cannot spend it once per bundle. */
  clientBudget?: ClientBudget;
}

export interface CacheHealth {
  /** When a cache call last failed, and when the current outage began. */
  outage: Outage;
  /** How many cache calls have failed: a fill checks that none failed since its read. */
  faults: number;
  /**
   * Key hashes whose invalidation the cache missed, to replay before it is
   * read again, each with the sequence number of its latest miss: a replay
   * removes a hash only if no newer miss came while its DEL was in flight.
   */
  pending: Map<string, number>;
  sequence: number;
  /** More were missed than `pending` keeps: after the replay, the cache is skipped until `skipUntil`. */
  overflowed: boolean;
  skipUntil: number;
  replaying?: Promise<void>;
  retryTimer?: NodeJS.Timeout;
}

export function newCacheHealth(): CacheHealth {
  return { outage: newOutage(), faults: 0, pending: new Map(), sequence: 0, overflowed: false, skipUntil: 0 };
}

const KEY = "__djangoGradeSessions";

export function processState(): ProcessState {
  const holder = globalThis as typeof globalThis & { [KEY]?: ProcessState };
  holder[KEY] ??= { storeHealth: {}, cacheHealth: {}, forwardingSecret: randomBytes(32) };
  return holder[KEY];
}
