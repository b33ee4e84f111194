// The in-memory session engine: for unit tests and a single-process dev
// server. Nothing is shared between processes and everything is lost on
// restart. It keeps the libSQL store's semantics (per-key merge, atomic
// increment, tombstones, expiry, per-user listing) over a Map keyed by the
// SHA-256 hash of the key, never the key itself.
import { hashKey } from "../keys";
import { assertIncrementResult, putOwn } from "../validate";
import type { CycleContext, CycleResult, JsonValue, LoadResult, SessionChange, SessionStore, UserSessions, WriteContext, WriteResult } from "../types";
import { assertWithinLimit, userIdOf } from "./data-limits";
import { newestFirst, sessionInfo, type StoredSession } from "./session-info";

type Data = Record<string, JsonValue>;

interface Entry extends StoredSession {
  /** JSON text, as the database keeps it: what a caller gets back is never the store's own object. */
  data: string;
}

/** JSON.parse defines `__proto__` as an ordinary own key, never a prototype. */
function parse(text: string): Data {
  return JSON.parse(text) as Data;
}

/**
 * Sessions in a Map (see the top of the file). Every method does its work
 * synchronously, with no await inside, so no other call can interleave with
 * a read-modify-write: an increment is atomic.
 */
export class MemoryStore implements SessionStore {
  private readonly entries = new Map<string, Entry>();

  /** The data a write builds on: nothing when expired, so old data never comes back. */
  private liveData(entry: Entry | undefined, now: number): Data {
    return entry && entry.expiresAt > now ? parse(entry.data) : {};
  }

  /** Stores `data` under a hash, keeping a live entry's creation time (or the given one), the first user agent seen and the latest network. */
  private write(keyHash: string, data: Data, ctx: WriteContext, now: number, createdAt?: number): void {
    const old = this.entries.get(keyHash);
    this.entries.set(keyHash, {
      data: JSON.stringify(data),
      expiresAt: ctx.expiresAt,
      endedAt: null,
      createdAt: createdAt ?? (old && old.expiresAt > now ? old.createdAt : now),
      lastSeenAt: now,
      userId: userIdOf(data),
      userAgent: old?.userAgent ?? ctx.userAgent ?? null,
      network: ctx.network ?? old?.network ?? null,
    });
  }

  /** Leaves a tombstone: the key stays dead until the entry expires and is cleared. */
  private endEntry(entry: Entry, now: number): void {
    Object.assign(entry, { endedAt: now, data: "{}", userId: null });
  }

  async load(key: string): Promise<LoadResult> {
    const entry = this.entries.get(hashKey(key));
    if (!entry) return { state: "missing" };
    if (entry.endedAt !== null) return { state: "ended" };
    if (entry.expiresAt <= Date.now()) return { state: "missing" };
    return { state: "live", data: parse(entry.data), createdAt: entry.createdAt, lastSeenAt: entry.lastSeenAt, expiresAt: entry.expiresAt };
  }

  async save(key: string, change: SessionChange, ctx: WriteContext): Promise<WriteResult> {
    const keyHash = hashKey(key);
    const entry = this.entries.get(keyHash);
    if (entry && entry.endedAt !== null) return "interrupted";
    const now = Date.now();
    const data = change.replaceAll ? {} : this.liveData(entry, now);
    for (const [field, value] of Object.entries(change.set)) putOwn(data, field, value);
    for (const field of change.removed) delete data[field]; // after the sets: a key both set and removed ends up removed
    if (Object.keys(data).length === 0) {
      this.entries.delete(keyHash); // a session that became empty leaves nothing behind
      return "emptied";
    }
    assertWithinLimit(data, ctx);
    if (!entry || entry.expiresAt <= now) ctx.created?.();
    this.write(keyHash, data, ctx, now);
    return "saved";
  }

  async increment(key: string, field: string, by: number, ctx: WriteContext): Promise<number | "interrupted"> {
    const keyHash = hashKey(key);
    const entry = this.entries.get(keyHash);
    if (entry && entry.endedAt !== null) return "interrupted";
    const now = Date.now();
    const data = this.liveData(entry, now);
    const value = assertIncrementResult(field, Object.hasOwn(data, field) ? data[field] : undefined, by);
    putOwn<JsonValue>(data, field, value);
    assertWithinLimit(data, ctx);
    if (!entry || entry.expiresAt <= now) ctx.created?.();
    this.write(keyHash, data, ctx, now);
    return value;
  }

  async touch(key: string, ctx: WriteContext): Promise<void> {
    const entry = this.entries.get(hashKey(key));
    const now = Date.now();
    if (entry && entry.endedAt === null && entry.expiresAt > now) Object.assign(entry, { expiresAt: ctx.expiresAt, lastSeenAt: now });
  }

  async end(key: string): Promise<void> {
    const entry = this.entries.get(hashKey(key));
    if (entry) this.endEntry(entry, Date.now()); // as in the database: a key with no entry gets none
  }

  async cycle(oldKey: string | null, newKey: string, data: Data, ctx: CycleContext): Promise<CycleResult> {
    const newHash = hashKey(newKey);
    const now = Date.now();
    const moves = Object.keys(data).length > 0;
    // Checked before anything changes, as the database's unique key fails the whole batch.
    if (moves && this.entries.has(newHash)) throw new Error("The new session key is already in use");
    const old = oldKey === null ? undefined : this.entries.get(hashKey(oldKey));
    if (moves && old?.endedAt != null) return "interrupted"; // ended meanwhile: the data stays dead
    if (moves) this.write(newHash, data, ctx, now, ctx.createdAt);
    if (moves) ctx.created?.();
    if (old) this.endEntry(old, now);
    return "cycled";
  }

  async clearExpired(limit: number): Promise<number> {
    const now = Date.now();
    let deleted = 0;
    for (const [keyHash, entry] of this.entries) {
      if (deleted >= limit) break;
      if (entry.expiresAt <= now) {
        this.entries.delete(keyHash);
        deleted++;
      }
    }
    return deleted;
  }

  /** A user's live sessions, by hash. */
  private liveSessionsOf(userId: number): [string, Entry][] {
    const now = Date.now();
    return [...this.entries].filter(([, e]) => e.userId === userId && e.endedAt === null && e.expiresAt > now);
  }

  readonly users: UserSessions = {
    list: async (userId, currentKey) => {
      const current = currentKey ? hashKey(currentKey) : null;
      return this.liveSessionsOf(userId)
        .sort(([, a], [, b]) => newestFirst(a, b))
        .map(([keyHash, e]) => sessionInfo(keyHash, e, current));
    },
    endOthers: async (userId, keepKey) => {
      const keep = hashKey(keepKey);
      const others = this.liveSessionsOf(userId).filter(([keyHash]) => keyHash !== keep);
      const now = Date.now();
      for (const [, entry] of others) this.endEntry(entry, now);
      return others.length;
    },
    endOne: async (userId, id, keepKey) => {
      const keep = hashKey(keepKey);
      const match = this.liveSessionsOf(userId).find(([keyHash]) => keyHash !== keep && keyHash.slice(0, 12) === id);
      if (match) this.endEntry(match[1], Date.now());
      return match !== undefined;
    },
  };
}
