import { SessionTooLargeError } from "../errors";
import { hashKey } from "../keys";
import { assertIncrementResult, putOwn } from "../validate";
import type { CycleContext, JsonValue, LoadResult, SessionChange, SessionStore, UserSessionInfo, UserSessions, WriteContext, WriteResult } from "../types";
import { runScript, Script, type RedisConnection, type Reply } from "./redis-lua";
import { END, INCREMENT, LOAD, SAVE, TOUCH } from "./redis-scripts";

export type { RedisConnection } from "./redis-lua";

export interface RedisStoreOptions {
  /** Prefix of every key this store writes (default "session:"). */
  prefix?: string;
  /** How long a tombstone lasts when the session's own expiry is unknown (default two weeks). */
  tombstoneMs?: number;
}

const SCRIPTS = { load: new Script(LOAD), save: new Script(SAVE), increment: new Script(INCREMENT), touch: new Script(TOUCH), end: new Script(END) };

const TWO_WEEKS_MS = 14 * 24 * 3600 * 1000;

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
  private readonly tombstoneMs: number;

  constructor(
    private readonly redis: RedisConnection,
    options: RedisStoreOptions = {},
  ) {
    this.prefix = options.prefix ?? "session:";
    this.tombstoneMs = options.tombstoneMs ?? TWO_WEEKS_MS;
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

  /** Keeps the per-user sets in step with a write that signed a session in or out. */
  private async movedUser(keyHash: string, uid: string, oldUid: string): Promise<void> {
    if (oldUid && oldUid !== uid) await this.redis.send(this.userSet(oldUid), ["SREM", this.userSet(oldUid), keyHash]);
    if (uid && uid !== oldUid) await this.redis.send(this.userSet(uid), ["SADD", this.userSet(uid), keyHash]);
  }

  async load(key: string): Promise<LoadResult> {
    const reply = await this.run(SCRIPTS.load, this.keys(hashKey(key)), []);
    if (reply[0] !== "live") return { state: reply[0] as "ended" | "missing" };
    const flat = reply[3] as string[];
    const data: Record<string, JsonValue> = {};
    for (let i = 0; i < flat.length; i += 2) putOwn(data, flat[i], JSON.parse(flat[i + 1]) as JsonValue);
    return { state: "live", data, createdAt: Number(reply[1]), refreshedAt: Number(reply[2]), expiresAt: Number(reply[4]) };
  }

  save(key: string, change: SessionChange, ctx: WriteContext): Promise<WriteResult> {
    return this.write(key, change, ctx);
  }

  /** A save; a session it creates is created at `createdAt` (a rotation's), else now. */
  private async write(key: string, change: SessionChange, ctx: WriteContext, createdAt?: number): Promise<WriteResult> {
    const keyHash = hashKey(key);
    const set = Object.entries(change.set).flatMap(([field, value]) => [field, JSON.stringify(value)]);
    const args = [Date.now(), ctx.expiresAt, change.replaceAll ? 1 : 0, ctx.userAgent ?? "", ctx.network ?? "", set.length / 2, ...set, change.removed.length, ...change.removed, createdAt ?? ""];
    const [result, uid, oldUid] = (await this.run(SCRIPTS.save, this.keys(keyHash), args)) as string[];
    if (result === "interrupted") return "interrupted";
    await this.movedUser(keyHash, uid, oldUid);
    return result as "saved" | "emptied";
  }

  async increment(key: string, field: string, by: number, ctx: WriteContext): Promise<number | "interrupted"> {
    const keyHash = hashKey(key);
    const args = [Date.now(), ctx.expiresAt, field, by, ctx.maxBytes, ctx.userAgent ?? "", ctx.network ?? ""];
    const [result, value, uid, oldUid] = (await this.run(SCRIPTS.increment, this.keys(keyHash), args)) as string[];
    if (result === "interrupted") return "interrupted";
    if (result === "not_integer" || result === "unsafe") {
      assertIncrementResult(field, JSON.parse(value) as unknown, by);
      throw new Error(`Redis refused an increment that JavaScript accepts (${result})`);
    }
    if (result === "too_large") throw new SessionTooLargeError(Number(value), ctx.maxBytes);
    await this.movedUser(keyHash, uid, oldUid);
    return Number(value);
  }

  async touch(key: string, ctx: WriteContext): Promise<void> {
    await this.run(SCRIPTS.touch, this.keys(hashKey(key)), [ctx.expiresAt]);
  }

  /** Ends `keyHash`'s session (only if it is `requiredUid`'s, when given); returns whether it did. */
  private async endHash(keyHash: string, requiredUid = ""): Promise<boolean> {
    const [result, uid] = (await this.run(SCRIPTS.end, this.keys(keyHash), [Date.now(), this.tombstoneMs, requiredUid])) as string[];
    if (result !== "ended") return false;
    if (uid) await this.redis.send(this.userSet(uid), ["SREM", this.userSet(uid), keyHash]);
    return true;
  }

  async end(key: string): Promise<void> {
    await this.endHash(hashKey(key));
  }

  /**
   * The old key ends first, then the data goes under the new one: no moment
   * where both work (the new key is not yet known to anyone, the old one is
   * dead). The two keys live in different slots, so in a cluster no single
   * script could hold both; this order fails closed (a crash in between
   * signs the visitor out, never leaves the old key alive).
   */
  async cycle(oldKey: string | null, newKey: string, data: Record<string, JsonValue>, ctx: CycleContext): Promise<void> {
    if (oldKey) await this.end(oldKey);
    if (Object.keys(data).length > 0) await this.write(newKey, { set: data, removed: [], replaceAll: true }, ctx, ctx.createdAt);
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
      const keep = hashKey(keepKey);
      const ended = await Promise.all((await this.liveOf(userId)).filter((s) => s.keyHash !== keep).map((s) => this.endHash(s.keyHash, String(userId))));
      return ended.filter(Boolean).length;
    },
    endOne: async (userId, id, keepKey) => {
      const keep = hashKey(keepKey);
      const target = (await this.liveOf(userId)).find((s) => s.keyHash.slice(0, 12) === id && s.keyHash !== keep);
      return target ? this.endHash(target.keyHash, String(userId)) : false;
    },
  };
}
