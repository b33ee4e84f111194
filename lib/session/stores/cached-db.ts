import { randomBytes } from "node:crypto";
import { serverSideEngine, type ServerSideEngineOptions } from "../key-cookie";
import { hashKey } from "../keys";
import type { CycleContext, CycleResult, JsonValue, LoadResult, SessionChange, SessionEngine, SessionStore, UserSessions, WriteContext, WriteResult } from "../types";
import { failed, succeeded } from "../outage";
import { newCacheHealth, processState, type CacheHealth } from "../process-state";
import { runScript, Script, type RedisConnection } from "./redis-lua";
import { LibsqlStore, type LibsqlConnection } from "./libsql";

/** The store of record under the cache: any store that says which keys a per-user revocation ended (LibsqlStore). */
export interface RecordStore extends SessionStore {
  readonly users: UserSessions;
  endUserSessions(userId: number, keepKey: string, id?: string): Promise<string[]>;
}

export interface CachedDbOptions {
  /** Prefix of the cache's keys (default "session-cache:"). */
  prefix?: string;
  /** The longest an entry lives in the cache (default a minute): the bound on staleness if an invalidation is lost. */
  ttlMs?: number;
  /** How long one cache call may take before the cache counts as down (default 500 ms). */
  timeoutMs?: number;
  /** Where the cache's outages and recoveries are reported, once each (default console.error). */
  log?: (message: string) => void;
  /**
   * Whether this store shares its health and missed invalidations with the
   * process's other copies under the same prefix (default true: Next loads
   * the proxy, pages and route handlers as separate bundles, and a page must
   * not read an entry whose invalidation a route handler missed). false: its
   * own, as another process has.
   */
  processWide?: boolean;
}

/** KEYS entry. ARGV lease, leaseMs. → {"hit", entry} | {"lease"} (taken: fill it) | {"busy"} (another reader fills it) */
const READ = new Script(`
local v = redis.call('GET', KEYS[1])
if not v then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return {'lease'}
end
if string.sub(v, 1, 6) == 'lease:' then return {'busy'} end
return {'hit', v}
`);

/** KEYS entry. ARGV lease, entry ("" for none), ttlMs. Fills only while the lease still stands: no write came in between. */
const FILL = new Script(`
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if ARGV[2] == '' then redis.call('DEL', KEYS[1]) else redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3]) end
return 1
`);

const LEASE_MS = 5000;
/** After a failed cache call, requests skip the cache this long before one tries again. */
const RETRY_MS = 1000;
/** Invalidations kept for replay; past this many the cache is skipped for a whole TTL after it returns. */
const MAX_PENDING = 100_000;
/** Invalidations sent at once: one cache call (and its timeout) per slice. */
const DROP_SLICE = 100;

type Cached = { s: "live"; d: Record<string, JsonValue>; c: number; r: number; e: number } | { s: "ended" };

function decode(text: string): LoadResult | undefined {
  try {
    const entry = JSON.parse(text) as Cached;
    if (entry.s === "ended") return { state: "ended" };
    if (entry.s === "live" && entry.e > Date.now()) return { state: "live", data: entry.d, createdAt: entry.c, lastSeenAt: entry.r, expiresAt: entry.e };
  } catch {
    // Not ours, or damaged: the record answers.
  }
  return undefined;
}

/**
 * Django's `cached_db` engine: the store of record (libSQL) keeps every
 * session, Redis keeps recently read ones in front of it. Reads come from
 * Redis, else from the record, filling Redis; every write goes to the record
 * and then drops the cached entry (invalidation, not write-through: a per-key
 * save or an increment does not know the whole session, and two writers
 * setting entries could leave the older one last).
 *
 * A fill happens under a lease taken before the record is read, and only
 * while the lease stands; a write's invalidation deletes the lease, so a
 * read that saw the record before a write can never cache what it saw.
 *
 * Redis is never needed: any cache fault is logged once and the record
 * serves alone (no 503 for a Redis fault). An invalidation Redis missed is
 * kept and replayed before this process reads the cache again (and every
 * second meanwhile); what another process could read before the replay is
 * bounded by the entry's TTL.
 */
export class CachedDbStore implements SessionStore {
  private readonly prefix: string;
  private readonly ttlMs: number;
  private readonly timeoutMs: number;
  private readonly log: (message: string) => void;
  private readonly health: CacheHealth;

  constructor(
    private readonly record: RecordStore,
    private readonly redis: RedisConnection,
    options: CachedDbOptions = {},
  ) {
    this.prefix = options.prefix ?? "session-cache:";
    this.ttlMs = options.ttlMs ?? 60_000;
    if (!Number.isInteger(this.ttlMs) || this.ttlMs < 1) throw new RangeError(`ttlMs must be a whole number of milliseconds, at least 1 (got ${this.ttlMs})`);
    this.timeoutMs = options.timeoutMs ?? 500;
    this.log = options.log ?? console.error;
    this.health = options.processWide === false ? newCacheHealth() : (processState().cacheHealth[this.prefix] ??= newCacheHealth());
  }

  private entryKey(keyHash: string): string {
    return `${this.prefix}${keyHash}`;
  }

  /** One cache call: its result, or undefined after a fault (logged once per outage), never an error. */
  private async cache<T>(call: () => Promise<T>): Promise<T | undefined> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      const arm = (mayRearm: boolean) => {
        const due = Date.now() + this.timeoutMs;
        timer = setTimeout(() => {
          // A timer this late means this process was busy, not Redis: the command may not even have gone out. Once more.
          if (mayRearm && Date.now() - due > this.timeoutMs / 2) return arm(false);
          // After the poll phase that follows the timers, so a reply that came meanwhile is read first.
          setImmediate(() => reject(new Error(`no answer within ${this.timeoutMs} ms`)));
        }, this.timeoutMs);
      };
      arm(true);
    });
    try {
      const result = await Promise.race([call(), timeout]);
      succeeded(this.health.outage, (ms) => this.log(`[session] cache available again after ${ms} ms`));
      return result;
    } catch (error) {
      this.health.faults++;
      failed(this.health.outage, () =>
        this.log(`[session] cache unavailable: sessions are read from the store of record alone until it returns. Cause: ${(error as Error).message}`),
      );
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Whether this process may read the cache now: not just after a fault, and
   * nothing it missed still waits. A replay runs in the background meanwhile
   * (a request never waits for it: until it ends, reads go to the record).
   */
  private readable(): boolean {
    if (this.pausedAfterFault() || Date.now() < this.health.skipUntil) return false;
    if (this.health.pending.size === 0 && !this.health.overflowed) return true;
    void this.replay();
    return false;
  }

  /** Just after a fault no request tries the cache; one tries again after RETRY_MS. */
  private pausedAfterFault(): boolean {
    return Date.now() - this.health.outage.failedAt < RETRY_MS;
  }

  /** Drops the entries of these keys, in slices; what the cache misses waits in `pending` for a replay. */
  private async dropCached(keyHashes: string[]): Promise<void> {
    let done = 0;
    if (!this.pausedAfterFault()) {
      for (; done < keyHashes.length; done += DROP_SLICE) if (!(await this.drop(keyHashes.slice(done, done + DROP_SLICE)))) break;
    }
    if (done >= keyHashes.length) return;
    for (const keyHash of keyHashes.slice(done)) this.health.pending.set(keyHash, ++this.health.sequence);
    if (this.health.pending.size > MAX_PENDING) {
      // Too many to keep: after the cache returns, skip it until every entry it could hold stale has expired.
      this.health.pending.clear();
      this.health.overflowed = true;
    }
    this.health.retryTimer ??= setInterval(() => void this.replay(), RETRY_MS).unref();
  }

  private async drop(keyHashes: string[]): Promise<boolean> {
    const done = await this.cache(() => Promise.all(keyHashes.map((h) => this.redis.send(this.entryKey(h), ["DEL", this.entryKey(h)]))));
    return done !== undefined;
  }

  /** Replays the missed invalidations, one replay at a time; a fault ends it until the next try. */
  private replay(): Promise<void> {
    this.health.replaying ??= (async () => {
      while (this.health.pending.size > 0) {
        const slice: [string, number][] = [];
        for (const entry of this.health.pending) if (slice.push(entry) === DROP_SLICE) break;
        if (!(await this.drop(slice.map(([h]) => h)))) return;
        // A hash missed again while its DEL was in flight keeps its newer miss for the next round.
        for (const [h, sequence] of slice) if (this.health.pending.get(h) === sequence) this.health.pending.delete(h);
      }
      if (this.health.overflowed) {
        this.health.overflowed = false;
        this.health.skipUntil = Date.now() + this.ttlMs;
      }
      clearInterval(this.health.retryTimer);
      this.health.retryTimer = undefined;
    })().finally(() => (this.health.replaying = undefined));
    return this.health.replaying;
  }

  /** A write to the record, then its keys' entries dropped (even if the write failed: it may have landed). */
  private async written<T>(keys: string[], write: Promise<T>): Promise<T> {
    try {
      return await write;
    } finally {
      await this.dropCached(keys.map(hashKey));
    }
  }

  async load(key: string): Promise<LoadResult> {
    const keyHash = hashKey(key);
    const entry = this.entryKey(keyHash);
    const lease = `lease:${randomBytes(12).toString("base64url")}`;
    const faults = this.health.faults;
    const read = this.readable() ? await this.cache(() => runScript(this.redis, READ, [entry], [lease, LEASE_MS])) : undefined;
    const cached = read?.[0] === "hit" ? decode(read[1] as string) : undefined;
    if (cached) return cached;
    const fill = (value: [entry: string, ttlMs: number]) => this.cache(() => runScript(this.redis, FILL, [entry], [lease, ...value]));
    let loaded: LoadResult;
    try {
      loaded = await this.record.load(key);
    } catch (error) {
      if (read?.[0] === "lease") void fill(["", 0]); // give the lease back: other readers need not wait it out
      throw error;
    }
    // No fill after a fault since the read: an invalidation missed meanwhile could be this key's.
    if (read?.[0] === "lease") await fill(this.health.faults === faults && !this.health.pending.has(keyHash) ? this.encode(loaded) : ["", 0]);
    return loaded;
  }

  /** The entry for a load's result and how long to keep it ("" for none: a missing session is not cached). */
  private encode(loaded: LoadResult): [entry: string, ttlMs: number] {
    if (loaded.state === "ended") return [JSON.stringify({ s: "ended" } satisfies Cached), this.ttlMs];
    if (loaded.state === "missing") return ["", 0];
    const ttl = Math.min(this.ttlMs, loaded.expiresAt - Date.now());
    if (ttl <= 0) return ["", 0];
    const cached: Cached = { s: "live", d: loaded.data, c: loaded.createdAt, r: loaded.lastSeenAt, e: loaded.expiresAt };
    return [JSON.stringify(cached), ttl];
  }

  save(key: string, change: SessionChange, ctx: WriteContext): Promise<WriteResult> {
    return this.written([key], this.record.save(key, change, ctx));
  }

  increment(key: string, field: string, by: number, ctx: WriteContext): Promise<number | "interrupted"> {
    return this.written([key], this.record.increment(key, field, by, ctx));
  }

  touch(key: string, ctx: WriteContext): Promise<void> {
    return this.written([key], this.record.touch(key, ctx));
  }

  end(key: string): Promise<void> {
    return this.written([key], this.record.end(key));
  }

  cycle(oldKey: string | null, newKey: string, data: Record<string, JsonValue>, ctx: CycleContext): Promise<CycleResult> {
    return this.written(oldKey ? [oldKey, newKey] : [newKey], this.record.cycle(oldKey, newKey, data, ctx));
  }

  /** The record sweeps its rows; cached entries never outlive their session (their TTL stops at its expiry). */
  clearExpired(limit: number): Promise<number> {
    return this.record.clearExpired(limit);
  }

  readonly users: UserSessions = {
    list: (userId, currentKey) => this.record.users.list(userId, currentKey),
    endOthers: async (userId, keepKey) => (await this.endedElsewhere(this.record.endUserSessions(userId, keepKey))).length,
    endOne: async (userId, id, keepKey) => (await this.endedElsewhere(this.record.endUserSessions(userId, keepKey, id))).length > 0,
  };

  /**
   * Drops the entries of the sessions a per-user revocation ended. If the
   * record failed, which ones is unknown (it may have committed): this
   * process then skips the cache until any entry it could hold has expired.
   */
  private async endedElsewhere(ending: Promise<string[]>): Promise<string[]> {
    let ended: string[];
    try {
      ended = await ending;
    } catch (error) {
      this.health.skipUntil = Date.now() + this.ttlMs;
      throw error;
    }
    await this.dropCached(ended);
    return ended;
  }
}

/** Django's `cached_db` engine: the libSQL rows of record, read through a Redis cache (see CachedDbStore). */
export function cachedDbEngine(libsql: LibsqlConnection, redis: RedisConnection, options: ServerSideEngineOptions & CachedDbOptions): SessionEngine {
  const { secrets, maxAnonymousSessions, ...cacheOptions } = options;
  return serverSideEngine(new CachedDbStore(new LibsqlStore(libsql, { maxAnonymousSessions }), redis, cacheOptions), secrets);
}
