import { createHash, createHmac, randomBytes } from "node:crypto";
import { MAX_INPUT_LENGTH } from "./input-limits";
import { isIP, isIPv6 } from "node:net";

/**
 * Sign-in throttling in the manner of django-axes, per client and per
 * account, in this process's memory. The rule:
 *
 * - A failure (a wrong password, or a username that does not exist) counts
 *   against the client (its IP address; an IPv6 address by its /64) and
 *   against the account (the username as typed, NFKC-normalised, trimmed and
 *   lower-cased; one longer than 150 characters is keyed by its SHA-256).
 * - A counter is forgotten 15 minutes after its last failure.
 * - Once a client has 5 failures, or an account 10 (from any clients), the
 *   next attempt is refused until 2^(failures - threshold) seconds (1 s,
 *   2 s, 4 s, …, at most 15 minutes) have passed since the last failure.
 *   Where both apply, the longer wait wins. The longest wait equals the
 *   window, so whoever waits it out also starts again from zero.
 * - A refused attempt checks no password and changes no counter, so
 *   hammering a throttled account does not keep it locked any longer.
 * - Attempts still being checked count as failures until they finish, and
 *   a throttled client or account gets one attempt at a time: a burst of
 *   parallel requests gets no more guesses than a sequence would.
 * - A successful sign-in clears the counters of its client and its account.
 * - At most 10,000 clients and 10,000 accounts are tracked each. An entry
 *   is dropped only once its counts have lapsed, never to make room: an
 *   attacker who floods the table must not reset anyone's count. A key that
 *   finds the table full of live entries is counted in one of 1,024 shared
 *   buckets (chosen by a keyed hash the client cannot predict), with every
 *   other key there: conservatively, since a bucket's count is at least each
 *   of its keys' own; a key later given an entry of its own starts from its
 *   bucket's count. So memory stays bounded and nobody gets fresh guesses;
 *   the price, under such a flood, is that newcomers may wait for others'
 *   failures.
 * - A username longer than 4,096 characters is refused before any hashing
 *   (`users.ts`): it counts against the client only, since it names no
 *   account, and so cannot fill the account table for free.
 *
 * Counters live in one process: with several workers (`start:cluster`) each
 * keeps its own, so the limits apply per worker.
 */

export interface SignInAttempt {
  /** The client's address, as best known (see `app/login/actions.ts`). */
  client: string;
  /** The username as submitted. */
  username: string;
  /**
   * The browser carries this account's device cookie (it signed in as it
   * before: `device-cookie.ts`). OWASP's device cookies: the account's limit
   * does not apply to it and its failures count against its client only, so
   * no one else's failures, from however many addresses, lock its owner out.
   */
  knownDevice?: boolean;
}

export type ThrottleDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export interface ThrottleOptions {
  clientThreshold: number;
  accountThreshold: number;
  /** How long after its last failure a counter is forgotten. */
  windowMs: number;
  /** The longest wait. */
  maxDelayMs: number;
  /** Entries tracked per kind (clients, accounts). */
  maxEntries: number;
}

export const THROTTLE_DEFAULTS: ThrottleOptions = {
  clientThreshold: 5,
  accountThreshold: 10,
  windowMs: 15 * 60_000,
  maxDelayMs: 15 * 60_000,
  maxEntries: 10_000,
};

/** Usernames are capped at 150 characters (Django's `max_length`); longer ones are keyed by a hash. */
const MAX_KEY_LENGTH = 150;
/** An attempt that never reports back (it should: see SignInTicket) stops counting as in flight after this. */
const PENDING_TTL_MS = 60_000;
/** What a client waiting only on its own in-flight attempts is told. */
const BUSY_RETRY_MS = 1_000;

function bounded(key: string): string {
  return key.length > MAX_KEY_LENGTH ? `sha256:${createHash("sha256").update(key).digest("hex")}` : key;
}

/** The per-account key: NFKC, trimmed, lower-cased; hashed past 150 characters. */
export function accountKey(username: string): string {
  return bounded(username.normalize("NFKC").trim().toLowerCase());
}

/** The attempt's account key, or null for a username refused before hashing: it names no account. */
function accountOf(attempt: SignInAttempt): string | null {
  return attempt.knownDevice || attempt.username.length > MAX_INPUT_LENGTH ? null : accountKey(attempt.username);
}

/** The per-client key: an IPv4 address (IPv4-mapped IPv6 unwrapped), an IPv6 address's /64, or the raw value. */
export function clientKey(address: string): string {
  let ip = address.trim().toLowerCase();
  if (ip.startsWith("[") && ip.includes("]")) ip = ip.slice(1, ip.indexOf("]")); // "[v6]" or "[v6]:port"
  else if (/^[\d.]+:\d+$/.test(ip)) ip = ip.slice(0, ip.indexOf(":")); // "v4:port"
  ip = ip.replace(/%.*$/, ""); // zone index
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(ip);
  if (mapped && isIP(mapped[1]!) === 4) return mapped[1]!;
  if (isIPv6(ip)) return `${ipv6Prefix64(ip)}::/64`;
  return bounded(ip);
}

/** The first four groups of a valid IPv6 address, without leading zeros: one customer's usual allocation. */
function ipv6Prefix64(ip: string): string {
  const groups = (part: string) => (part ? part.split(":").flatMap((g) => (g.includes(".") ? ["0", "0"] : [g])) : []);
  const gap = ip.indexOf("::");
  let all: string[];
  if (gap < 0) all = groups(ip);
  else {
    const head = groups(ip.slice(0, gap));
    const tail = groups(ip.slice(gap + 2));
    all = [...head, ...Array<string>(8 - head.length - tail.length).fill("0"), ...tail];
  }
  return all
    .slice(0, 4)
    .map((g) => parseInt(g, 16).toString(16))
    .join(":");
}

interface Entry {
  failures: number;
  lastFailure: number;
  /** Attempts allowed and not yet finished. */
  pending: number;
  pendingSince: number;
}

/** Shared counters for keys that find the table full (see the rule above). */
const OVERFLOW_BUCKETS = 1024;

function blankEntry(): Entry {
  return { failures: 0, lastFailure: 0, pending: 0, pendingSince: 0 };
}

/** Counters for one kind of key, oldest activity first (a Map keeps insertion order), bounded in number. */
class Counters {
  private readonly entries = new Map<string, Entry>();
  private readonly overflow: Entry[] = Array.from({ length: OVERFLOW_BUCKETS }, blankEntry);
  /** Keys the bucket choice, so no client can aim its failures at the bucket of an account it wants to lock or free. */
  private readonly salt = randomBytes(16);

  constructor(private readonly options: ThrottleOptions) {}

  get size(): number {
    return this.entries.size;
  }

  /** Forgets what has lapsed; true when nothing is left. */
  private lapse(entry: Entry, now: number): boolean {
    if (entry.failures > 0 && now - entry.lastFailure >= this.options.windowMs) entry.failures = 0;
    if (entry.pending > 0 && now - entry.pendingSince >= PENDING_TTL_MS) entry.pending = 0;
    return entry.failures === 0 && entry.pending === 0;
  }

  /** The key's live entry (its own, else its bucket's when the table was full), or undefined. */
  get(key: string, now: number): Entry | undefined {
    const entry = this.entries.get(key);
    if (entry && this.lapse(entry, now)) this.entries.delete(key);
    else if (entry) return entry;
    const bucket = this.bucketOf(key);
    return this.lapse(bucket, now) ? undefined : bucket;
  }

  private bucketOf(key: string): Entry {
    return this.overflow[createHmac("sha256", this.salt).update(key).digest().readUInt32BE(0) % OVERFLOW_BUCKETS]!;
  }

  /**
   * The entry to count on, moved to the newest end: the key's own, else a new
   * one (from its bucket's counts) where there is room after dropping lapsed
   * entries at the oldest end, else its bucket. A live entry is never dropped.
   */
  touch(key: string, now: number): Entry {
    const own = this.entries.get(key);
    if (own && !this.lapse(own, now)) {
      this.entries.delete(key);
      this.entries.set(key, own);
      return own;
    }
    this.entries.delete(key);
    for (const [oldestKey, oldest] of this.entries) {
      if (!this.lapse(oldest, now)) break;
      this.entries.delete(oldestKey);
    }
    const bucket = this.bucketOf(key);
    const live = !this.lapse(bucket, now);
    if (this.entries.size >= this.options.maxEntries) return bucket;
    const entry = live ? { ...blankEntry(), failures: bucket.failures, lastFailure: bucket.lastFailure } : blankEntry();
    this.entries.set(key, entry);
    return entry;
  }

  /** Forgets the key's own entry (a success); a shared bucket stays, as others' failures are in it. */
  delete(key: string): void {
    this.entries.delete(key);
  }

  /** An in-flight attempt counted on `entry` (what `touch` gave it) has finished. */
  release(key: string, entry: Entry): void {
    if (entry.pending === 0) return;
    entry.pending--;
    if (entry.pending === 0 && entry.failures === 0 && this.entries.get(key) === entry) this.entries.delete(key);
  }

  /** Milliseconds this key must wait before its next attempt; 0 when it may go. */
  wait(key: string, threshold: number, now: number): number {
    const entry = this.get(key, now);
    if (!entry || entry.failures + entry.pending < threshold) return 0;
    if (entry.failures >= threshold) {
      const delay = Math.min(2 ** (entry.failures - threshold) * 1000, this.options.maxDelayMs);
      const until = entry.lastFailure + delay;
      if (until > now) return until - now;
    }
    return entry.pending > 0 ? BUSY_RETRY_MS : 0;
  }
}

/** An allowed attempt in flight: report exactly one outcome (later calls are ignored). */
export interface SignInTicket {
  /** The credentials were wrong: counts against the client and the account. */
  fail(now: number): void;
  /** Signed in: clears the client's and the account's counters. */
  succeed(): void;
  /** No verdict (an error, or the hashing line was full): counts nothing. */
  abandon(): void;
}

export type StartDecision = { allowed: true; ticket: SignInTicket } | { allowed: false; retryAfterSeconds: number };

export class SignInThrottle {
  readonly options: ThrottleOptions;
  private readonly clients: Counters;
  private readonly accounts: Counters;

  constructor(options: Partial<ThrottleOptions> = {}) {
    this.options = { ...THROTTLE_DEFAULTS, ...options };
    this.clients = new Counters(this.options);
    this.accounts = new Counters(this.options);
  }

  /** Entries tracked, clients and accounts together. */
  get size(): number {
    return this.clients.size + this.accounts.size;
  }

  /** Whether an attempt may go ahead now; changes no counter. */
  check(attempt: SignInAttempt, now: number): ThrottleDecision {
    const account = accountOf(attempt);
    const wait = Math.max(
      this.clients.wait(clientKey(attempt.client), this.options.clientThreshold, now),
      account === null ? 0 : this.accounts.wait(account, this.options.accountThreshold, now),
    );
    return wait > 0 ? { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(wait / 1000)) } : { allowed: true };
  }

  /** `check`, and when allowed, counts the attempt as in flight until its ticket reports how it went. */
  start(attempt: SignInAttempt, now: number): StartDecision {
    const decision = this.check(attempt, now);
    if (!decision.allowed) return decision;
    const client = clientKey(attempt.client);
    const account = accountOf(attempt);
    const clientEntry = this.clients.touch(client, now);
    const accountEntry = account === null ? undefined : this.accounts.touch(account, now);
    for (const entry of [clientEntry, accountEntry]) {
      if (!entry) continue;
      entry.pending++;
      entry.pendingSince = now;
    }
    let open = true;
    const release = () => {
      this.clients.release(client, clientEntry);
      if (account !== null && accountEntry) this.accounts.release(account, accountEntry);
    };
    return {
      allowed: true,
      ticket: {
        fail: (now) => {
          if (!open) return;
          open = false;
          release();
          this.fail(client, account, now);
        },
        succeed: () => {
          if (!open) return;
          open = false;
          this.succeed(client, account);
        },
        abandon: () => {
          if (!open) return;
          open = false;
          release();
        },
      },
    };
  }

  /** A failed attempt that was allowed (use a ticket's `fail` for one begun with `start`). */
  recordFailure(attempt: SignInAttempt, now: number): void {
    this.fail(clientKey(attempt.client), accountOf(attempt), now);
  }

  /** A successful sign-in: forgets the client's and the account's failures. */
  recordSuccess(attempt: SignInAttempt): void {
    this.succeed(clientKey(attempt.client), accountOf(attempt));
  }

  private fail(client: string, account: string | null, now: number): void {
    const entries = [this.clients.touch(client, now)];
    if (account !== null) entries.push(this.accounts.touch(account, now));
    for (const entry of entries) {
      entry.failures++;
      entry.lastFailure = now;
    }
  }

  private succeed(client: string, account: string | null): void {
    this.clients.delete(client);
    if (account !== null) this.accounts.delete(account);
  }
}

/** The process's throttle, kept on globalThis so every bundle of the app shares it. */
export function signInThrottle(): SignInThrottle {
  return ((globalThis as { __signInThrottle?: SignInThrottle }).__signInThrottle ??= new SignInThrottle());
}
