import { SessionTooLargeError } from "../errors";
import { serverSideEngine, type ServerSideEngineOptions } from "../key-cookie";
import { hashKey } from "../keys";
import { assertIncrementResult, putOwn } from "../validate";
import type { CycleContext, CycleResult, JsonValue, LoadResult, SessionChange, SessionEngine, SessionStore, UserSessionInfo, UserSessions, WriteContext, WriteResult } from "../types";
import { runScript, Script, type RedisConnection, type Reply } from "./redis-lua";
import { withRoom } from "./make-room";
import { END, EVICT, INCREMENT, LOAD, SAVE, TOUCH } from "./redis-scripts";

export type { RedisConnection } from "./redis-lua";

export interface RedisStoreOptions {
  /** Prefix of every key this store writes (default "session:"). */
  prefix?: string;
  /** SESSION_ANONYMOUS_MAX_SESSIONS: sessions without a signed-in user kept at most; past it the oldest go (default: no bound). */
  maxAnonymousSessions?: number;
}

const SCRIPTS = { load: new Script(LOAD), save: new Script(SAVE), increment: new Script(INCREMENT), touch: new Script(TOUCH), end: new Script(END), evict: new Script(EVICT) };

/** Sessions evicted to make room when Redis reports OOM (at maxmemory with noeviction). */
const FULL_EVICTION_BATCH = 16;

/** Redis refusing a write at maxmemory: "OOM command not allowed when used memory > 'maxmemory'". */
function isOutOfMemory(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith("OOM ");
}


/** A script's too_large answer: the size the data would have had, and the limit it passed. */
function tooLarge(bytes: string, limit: string, ctx: WriteContext): SessionTooLargeError {
  return new SessionTooLargeError(Number(bytes), Number(limit), Number(limit) < ctx.maxBytes ? "SESSION_ANONYMOUS_MAX_BYTES" : "SESSION_MAX_BYTES");
}

/**
 * Django's `cache` engine on Redis: a session is two hashes under one hash
 * tag (its data, one field per key holding the value's JSON, and its meta),
 * so every operation is one Lua script on one node, atomic even in a Redis
 * Cluster. Per-key writes merge concurrent requests; `increment` counts in
 * the script; expiry is the server's (PEXPIREAT); a flushed or rotated key
 * leaves a tombstone for its remaining lifetime. Keys are stored hashed.
 *
 * Each user's sessions are listed in a set of their own (another slot): it
 * is kept in step after each write and pruned as it is read, never trusted
 * alone (every member's meta is checked).
 */
export class RedisStore implements SessionStore {
  private readonly prefix: string;
  private readonly maxAnonymousSessions: number;

  constructor(
    private readonly redis: RedisConnection,
    options: RedisStoreOptions = {},
  ) {
    this.prefix = options.prefix ?? "session:";
    this.maxAnonymousSessions = options.maxAnonymousSessions ?? Number.MAX_SAFE_INTEGER;
  }

  /**
   * The sessions created without a signed-in user, scored by creation time:
   * a sorted set in a slot of its own (a script may touch one slot only), so
   * it is kept in step after each write, as the per-user sets are. Members
   * whose session expired stay until evicted, the oldest first: its size
   * never understates what the store holds.
   */
  private get anonymousIndex(): string {
    return `${this.prefix}anonymous`;
  }

  /** Evicts the `count` oldest anonymous sessions (never one a user has signed in to since); returns how many went. */
  async evictAnonymous(count: number): Promise<number> {
    if (count <= 0) return 0;
    const popped = (await this.redis.send(this.anonymousIndex, ["ZPOPMIN", this.anonymousIndex, String(count)])) as unknown[];
    // [[member, score], …] over RESP3, [member, score, …] over RESP2.
    const hashes = popped.flatMap((entry, i) => (Array.isArray(entry) ? [String(entry[0])] : i % 2 === 0 ? [String(entry)] : []));
    const evicted = await Promise.all(hashes.map((keyHash) => runScript(this.redis, SCRIPTS.evict, this.keys(keyHash), [])));
    return evicted.filter((reply) => Number(reply) === 1).length;
  }

  /** A new anonymous session joins the index; past the bound, the oldest go. */
  private async indexAnonymous(keyHash: string, created: boolean, uid: string, oldUid: string): Promise<void> {
    if (created && !uid) {
      await this.send(this.anonymousIndex, ["ZADD", this.anonymousIndex, String(Date.now()), keyHash]);
      if (this.maxAnonymousSessions === Number.MAX_SAFE_INTEGER) return;
      const size = Number(await this.redis.send(this.anonymousIndex, ["ZCARD", this.anonymousIndex]));
      await this.evictAnonymous(size - this.maxAnonymousSessions);
    } else if (uid && !oldUid && !created) {
      await this.redis.send(this.anonymousIndex, ["ZREM", this.anonymousIndex, keyHash]); // signed in: never evicted
    }
  }

  /**
   * A writing script; when Redis is out of memory, evicts a batch of the
   * oldest anonymous sessions and tries once more, then refuses the write
   * (SessionStoreFullError, a 507): reads still work, and a signed-in user's
   * writes find the room evicted.
   */
  private write(script: Script, keys: readonly string[], args: readonly (string | number)[]): Promise<Reply> {
    return this.withRoom(() => this.run(script, keys, args));
  }

  /** A plain writing command (the per-user sets, the anonymous index), with write()'s room-making. */
  private send(key: string, command: string[]): Promise<unknown> {
    return this.withRoom(() => this.redis.send(key, command));
  }

  private withRoom<T>(attempt: () => Promise<T>): Promise<T> {
    return withRoom(attempt, isOutOfMemory, () => this.evictAnonymous(FULL_EVICTION_BATCH));
  }


  private keys(keyHash: string): [data: string, meta: string] {
    return [`${this.prefix}{${keyHash}}:data`, `${this.prefix}{${keyHash}}:meta`];
  }

  private userSet(userId: string): string {
    return `${this.prefix}user:{${userId}}`;
  }

  private run(script: Script, keys: readonly string[], args: readonly (string | number)[]): Promise<Reply> {
    return runScript(this.redis, script, keys, args);
  }

  /**
   * The per-user sets and the anonymous index, after a write. Where they cannot
   * follow (Redis full even after eviction), the session ends: never a signed-in
   * session that "sign out other devices" cannot find, nor one the bound misses.
   */
  private async indexed(keyHash: string, created: boolean, uid: string, oldUid: string): Promise<void> {
    try {
      await this.movedUser(keyHash, uid, oldUid);
      await this.indexAnonymous(keyHash, created, uid, oldUid);
    } catch (error) {
      await this.endHash(keyHash).catch(() => {});
      throw error;
    }
  }

  /** Keeps the per-user sets in step with a write that signed a session in or out. */
  private async movedUser(keyHash: string, uid: string, oldUid: string): Promise<void> {
    if (oldUid && oldUid !== uid) await this.send(this.userSet(oldUid), ["SREM", this.userSet(oldUid), keyHash]);
    if (uid && uid !== oldUid) await this.send(this.userSet(uid), ["SADD", this.userSet(uid), keyHash]);
  }

  async load(key: string): Promise<LoadResult> {
    const reply = await this.run(SCRIPTS.load, this.keys(hashKey(key)), []);
    if (reply[0] !== "live") return { state: reply[0] as "ended" | "missing" };
    const flat = reply[3] as string[];
    const data: Record<string, JsonValue> = {};
    for (let i = 0; i < flat.length; i += 2) putOwn(data, flat[i], JSON.parse(flat[i + 1]) as JsonValue);
    return { state: "live", data, createdAt: Number(reply[1]), lastSeenAt: Number(reply[2]), expiresAt: Number(reply[4]) };
  }

  save(key: string, change: SessionChange, ctx: WriteContext): Promise<WriteResult> {
    return this.saveData(key, change, ctx);
  }

  /** A save; a session it creates is created at `createdAt` (a rotation's), else now. */
  private async saveData(key: string, change: SessionChange, ctx: WriteContext, createdAt?: number): Promise<WriteResult> {
    const keyHash = hashKey(key);
    const set = Object.entries(change.set).flatMap(([field, value]) => [field, JSON.stringify(value)]);
    const limits = [ctx.maxBytes, Math.min(ctx.anonymousMaxBytes ?? ctx.maxBytes, ctx.maxBytes)];
    const args = [Date.now(), ctx.expiresAt, change.replaceAll ? 1 : 0, ctx.userAgent ?? "", ctx.network ?? "", ...limits, set.length / 2, ...set, change.removed.length, ...change.removed, createdAt ?? ""];
    const [result, uid, oldUid, created] = (await this.write(SCRIPTS.save, this.keys(keyHash), args)) as string[];
    if (result === "interrupted") return "interrupted";
    if (result === "too_large") throw tooLarge(uid, oldUid, ctx);
    if (created) ctx.created?.();
    await this.indexed(keyHash, !!created, uid, oldUid);
    return result as "saved" | "emptied";
  }

  async increment(key: string, field: string, by: number, ctx: WriteContext): Promise<number | "interrupted"> {
    const keyHash = hashKey(key);
    const anonymousMaxBytes = Math.min(ctx.anonymousMaxBytes ?? ctx.maxBytes, ctx.maxBytes);
    const args = [Date.now(), ctx.expiresAt, field, by, ctx.maxBytes, ctx.userAgent ?? "", ctx.network ?? "", anonymousMaxBytes];
    const [result, value, uid, oldUid, created] = (await this.write(SCRIPTS.increment, this.keys(keyHash), args)) as string[];
    if (result === "interrupted") return "interrupted";
    if (result === "not_integer" || result === "unsafe") {
      assertIncrementResult(field, JSON.parse(value) as unknown, by);
      throw new Error(`Redis refused an increment that JavaScript accepts (${result})`);
    }
    if (result === "too_large") throw tooLarge(value, uid, ctx);
    if (created) ctx.created?.();
    await this.indexed(keyHash, !!created, uid, oldUid);
    return Number(value);
  }

  async touch(key: string, ctx: WriteContext): Promise<void> {
    await this.write(SCRIPTS.touch, this.keys(hashKey(key)), [ctx.expiresAt]);
  }

  /** Ends `keyHash`'s session (only if it is `requiredUid`'s, when given); returns whether it did. */
  private async endHash(keyHash: string, requiredUid = ""): Promise<boolean> {
    return (await this.endHashAs(keyHash, requiredUid)) === "ended";
  }

  /** Ends `keyHash`'s session: "ended", "already" (a tombstone before), "missing" (nothing stored) or "skipped" (not `requiredUid`'s). */
  private async endHashAs(keyHash: string, requiredUid = ""): Promise<"ended" | "already" | "missing" | "skipped"> {
    const [result, uid] = (await this.write(SCRIPTS.end, this.keys(keyHash), [Date.now(), requiredUid])) as string[];
    if (result === "ended" && uid) await this.redis.send(this.userSet(uid), ["SREM", this.userSet(uid), keyHash]);
    return result as "ended" | "already" | "missing" | "skipped";
  }

  async end(key: string): Promise<void> {
    await this.endHash(hashKey(key));
  }

  /**
   * The data goes under the new key first, then the old key ends; if it had
   * ended meanwhile (a sign-out, a password change), the new key ends too and
   * the rotation is "interrupted". The two keys live in different slots, so in
   * a cluster no single script could hold both. Until the old key ends, only
   * its holder has a working key (the new one is known to nobody yet); a crash
   * in between leaves the old session as it was, never the rotated data
   * under a key anyone holds.
   */
  async cycle(oldKey: string | null, newKey: string, data: Record<string, JsonValue>, ctx: CycleContext): Promise<CycleResult> {
    const moves = Object.keys(data).length > 0;
    if (moves) await this.saveData(newKey, { set: data, removed: [], replaceAll: true }, ctx, ctx.createdAt);
    if (!oldKey) return "cycled";
    if ((await this.endHashAs(hashKey(oldKey))) === "ended" || !moves) return "cycled";
    await this.endHash(hashKey(newKey));
    return "interrupted";
  }


  /** Redis expires sessions and tombstones itself; the per-user sets are pruned as they are read. */
  async clearExpired(): Promise<number> {
    return 0;
  }

  /** The live sessions of a user, from the user's set, each checked against its own meta. */
  private async liveOf(userId: number): Promise<{ keyHash: string; meta: (string | null)[] }[]> {
    const set = this.userSet(String(userId));
    const members = (await this.redis.send(set, ["SMEMBERS", set])) as string[];
    const now = Date.now();
    const rows = await Promise.all(
      members.map(async (keyHash) => {
        const meta = this.keys(keyHash)[1];
        return { keyHash, meta: (await this.redis.send(meta, ["HMGET", meta, "x", "c", "u", "e", "uid", "ua", "net"])) as (string | null)[] };
      }),
    );
    const live = rows.filter(({ meta: [x, c, , e, uid] }) => x !== "1" && c !== null && Number(e) > now && uid === String(userId));
    const stale = rows.filter((row) => !live.includes(row)).map((row) => row.keyHash);
    if (stale.length > 0) await this.redis.send(set, ["SREM", set, ...stale]);
    return live;
  }

  readonly users: UserSessions = {
    list: async (userId, currentKey) => {
      const current = currentKey ? hashKey(currentKey) : null;
      return (await this.liveOf(userId))
        .map(
          ({ keyHash, meta: [, c, u, , , ua, net] }): UserSessionInfo => ({
            id: keyHash.slice(0, 12),
            createdAt: new Date(Number(c)),
            lastSeenAt: new Date(Number(u)),
            userAgent: ua,
            network: net,
            current: keyHash === current,
          }),
        )
        .sort((a, b) => b.lastSeenAt.getTime() - a.lastSeenAt.getTime());
    },
    endOthers: async (userId, keepKey) => {
      // A rotation writes its new key before it ends the old one (see cycle): one that began before
      // this listing shows up in a later one, or finds its old key ended by this one. So: list again
      // until nothing new shows.
      const seen = new Set([hashKey(keepKey)]);
      let count = 0;
      for (let pass = 0; pass < 5; pass++) {
        const fresh = (await this.liveOf(userId)).filter((s) => !seen.has(s.keyHash));
        if (fresh.length === 0) break;
        for (const s of fresh) seen.add(s.keyHash);
        count += (await Promise.all(fresh.map((s) => this.endHash(s.keyHash, String(userId))))).filter(Boolean).length;
      }
      return count;
    },
    endOne: async (userId, id, keepKey) => {
      const keep = hashKey(keepKey);
      const target = (await this.liveOf(userId)).find((s) => s.keyHash.slice(0, 12) === id && s.keyHash !== keep);
      return target ? this.endHash(target.keyHash, String(userId)) : false;
    },
  };
}

/** Django's `cache` engine: sessions in Redis (standalone or a Cluster; see openRedis), under `prefix` (default "session:"). */
export function redisEngine(connection: RedisConnection, options: ServerSideEngineOptions & Pick<RedisStoreOptions, "prefix">): SessionEngine {
  const { secrets, prefix, maxAnonymousSessions } = options;
  return serverSideEngine(new RedisStore(connection, { prefix, maxAnonymousSessions }), secrets);
}
