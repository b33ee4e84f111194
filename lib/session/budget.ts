import { isIPv4, isIPv6 } from "node:net";
import { ipv6Groups } from "./network";

/** What one client (address) may make the server store while not signed in, per window. */
export interface ClientBudgetLimits {
  /** New anonymous sessions per window (SESSION_ANONYMOUS_NEW_PER_MINUTE). */
  newSessions: number;
  /** Bytes of anonymous session data written per window (SESSION_ANONYMOUS_BYTES_PER_MINUTE). */
  bytes: number;
  /** Clients counted at once; past it, new ones share one bucket, so the table never grows past this (default 10,000). */
  maxClients?: number;
  /** The window (default a minute). */
  windowMs?: number;
}

interface Spent {
  sessions: number;
  bytes: number;
}

/** The name a client is counted under: its IPv4 address, or its IPv6 /64 (one subscriber usually holds a whole /64). */
export function clientBucket(address: string | undefined): string {
  if (!address) return "unknown";
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1] ?? address;
  if (isIPv4(mapped)) return mapped;
  const groups = isIPv6(address) ? ipv6Groups(address.split("%")[0]) : null;
  return groups ? `${groups.slice(0, 4).map((g) => parseInt(g, 16).toString(16)).join(":")}::/64` : "unknown";
}

/**
 * Per-client budgets of anonymous session data, in fixed windows: a bounded
 * in-process table (`maxClients` entries, cleared each window). Entries are
 * never evicted within a window, so a client cannot reset its own count by
 * flooding the table from other addresses: once it is full, every client not
 * yet in it shares one overflow bucket with the same limits.
 */
export class ClientBudget {
  private readonly spent = new Map<string, Spent>();
  private overflow: Spent = { sessions: 0, bytes: 0 };
  private windowStart = 0;
  private readonly maxClients: number;
  private readonly windowMs: number;

  constructor(readonly limits: ClientBudgetLimits) {
    this.maxClients = limits.maxClients ?? 10_000;
    this.windowMs = limits.windowMs ?? 60_000;
  }

  /** How many clients the table holds now (at most maxClients). */
  get size(): number {
    return this.spent.size;
  }

  private bucket(address: string | undefined): Spent {
    const now = Date.now();
    if (now - this.windowStart >= this.windowMs) {
      this.spent.clear();
      this.overflow = { sessions: 0, bytes: 0 };
      this.windowStart = now;
    }
    const name = clientBucket(address);
    let spent = this.spent.get(name);
    if (spent) return spent;
    if (this.spent.size >= this.maxClients) return this.overflow;
    spent = { sessions: 0, bytes: 0 };
    this.spent.set(name, spent);
    return spent;
  }

  /** Takes one new session from the client's budget; false when it is spent. */
  reserveSession(address: string | undefined): boolean {
    const spent = this.bucket(address);
    if (spent.sessions >= this.limits.newSessions) return false;
    spent.sessions++;
    return true;
  }

  /** Gives back a reserved session the write did not create after all. */
  refundSession(address: string | undefined): void {
    const spent = this.bucket(address);
    spent.sessions = Math.max(0, spent.sessions - 1);
  }

  /** Takes `bytes` from the client's budget; false (nothing taken) when they do not fit. */
  chargeBytes(address: string | undefined, bytes: number): boolean {
    const spent = this.bucket(address);
    if (spent.bytes + bytes > this.limits.bytes) return false;
    spent.bytes += bytes;
    return true;
  }
}
