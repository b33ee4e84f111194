// Django's `file` engine: one file per session under SESSION_FILE_PATH, named
// by the SHA-256 hash of its key (file-layout.ts), replaced whole by rename,
// changed only under its lock (file-lock.ts), so saves merge per key and an
// increment is atomic across processes. A flushed or rotated key leaves a
// tombstone file until it expires. A per-user directory of hashes lists a
// user's sessions (file-users.ts); an index of anonymous ones keeps
// SESSION_ANONYMOUS_MAX_SESSIONS (file-anonymous.ts).
import { SessionValueError } from "../errors";
import { serverSideEngine, type ServerSideEngineOptions } from "../key-cookie";
import { hashKey, isWellFormedKey } from "../keys";
import { assertIncrementResult, putOwn } from "../validate";
import type { CycleContext, CycleResult, JsonValue, LoadResult, SessionChange, SessionEngine, SessionStore, UserSessions, WriteContext, WriteResult } from "../types";
import { AnonymousIndex } from "./file-anonymous";
import { FileLayout, isDiskFull, type FileRecord } from "./file-layout";
import { FileLocks } from "./file-lock";
import { clearExpiredFiles } from "./file-sweep";
import { fileUserSessions } from "./file-users";
import type { FileStoreInternals } from "./file-internals";
import { withRoom } from "./make-room";
import { assertWithinLimit, userIdOf } from "./data-limits";

type Data = Record<string, JsonValue>;

/** Sessions evicted to make room when the disk is full. */
const FULL_EVICTION_BATCH = 16;

/** A cookie's key is checked before it is read; a store called with anything else refuses it, never turns it into a path. */
function hashOf(key: string): string {
  if (!isWellFormedKey(key)) throw new SessionValueError("Not a session key");
  return hashKey(key);
}

const isLive = (record: FileRecord | undefined, now: number): record is FileRecord => !!record && record.endedAt === null && record.expiresAt > now;

export interface FileStoreOptions {
  /** SESSION_ANONYMOUS_MAX_SESSIONS: sessions without a signed-in user kept at most; past it the oldest go (default: no bound). */
  maxAnonymousSessions?: number;
}

export class FileStore implements SessionStore, FileStoreInternals {
  readonly layout: FileLayout;
  readonly locks = new FileLocks();
  readonly anonymous: AnonymousIndex;
  readonly users: UserSessions;

  constructor(directory: string, options: FileStoreOptions = {}) {
    this.layout = new FileLayout(directory);
    this.anonymous = new AnonymousIndex(this.layout, options.maxAnonymousSessions ?? Number.MAX_SAFE_INTEGER, (keyHash, entry) => this.evictOne(keyHash, entry));
    this.users = fileUserSessions(this);
  }

  /** Runs `work` under `keyHash`'s lock, making room when the disk is full (see withRoom); then keeps the anonymous bound. */
  async writing<T>(keyHash: string, work: (record: FileRecord | undefined, now: number) => Promise<T>): Promise<T> {
    const file = this.layout.sessionFile(keyHash);
    // The lock is a directory in the bucket: a bucket removed meanwhile is made again (inDir).
    const attempt = () => this.layout.inDir(this.layout.bucketOf(keyHash), () => this.locks.run(file, async () => work(await this.layout.read(file), Date.now())));
    const faulted = () => attempt().catch(async (error: unknown) => Promise.reject(await this.layout.fault(error)));
    const result = await withRoom(faulted, isDiskFull, () => this.anonymous.evictOldest(FULL_EVICTION_BATCH));
    await this.anonymous.enforce(); // after the lock: eviction takes other sessions' locks
    return result;
  }

  async load(key: string): Promise<LoadResult> {
    if (!isWellFormedKey(key)) return { state: "missing" };
    const record = await this.layout.read(this.layout.sessionFile(hashKey(key)));
    if (!record) return { state: "missing" };
    if (record.endedAt !== null) return { state: "ended" };
    if (record.expiresAt <= Date.now()) return { state: "missing" };
    return { state: "live", data: record.data, createdAt: record.createdAt, lastSeenAt: record.lastSeenAt, expiresAt: record.expiresAt };
  }

  async save(key: string, change: SessionChange, ctx: WriteContext): Promise<WriteResult> {
    const keyHash = hashOf(key);
    return this.writing(keyHash, async (old, now) => {
      if (old && old.endedAt !== null) return "interrupted";
      const data: Data = change.replaceAll || !isLive(old, now) ? {} : old.data;
      for (const [field, value] of Object.entries(change.set)) putOwn(data, field, value);
      for (const field of change.removed) delete data[field]; // after the sets: a key both set and removed ends up removed
      if (Object.keys(data).length === 0) {
        if (old) await this.removeSession(keyHash, old);
        return "emptied";
      }
      assertWithinLimit(data, ctx);
      await this.put(keyHash, old, this.next(old, data, ctx, now));
      if (!isLive(old, now)) ctx.created?.();
      return "saved";
    });
  }

  async increment(key: string, field: string, by: number, ctx: WriteContext): Promise<number | "interrupted"> {
    const keyHash = hashOf(key);
    return this.writing(keyHash, async (old, now) => {
      if (old && old.endedAt !== null) return "interrupted";
      const data: Data = isLive(old, now) ? old.data : {};
      const value = assertIncrementResult(field, Object.hasOwn(data, field) ? data[field] : undefined, by);
      putOwn<JsonValue>(data, field, value);
      assertWithinLimit(data, ctx);
      await this.put(keyHash, old, this.next(old, data, ctx, now));
      if (!isLive(old, now)) ctx.created?.();
      return value;
    });
  }

  async touch(key: string, ctx: WriteContext): Promise<void> {
    const keyHash = hashOf(key);
    await this.writing(keyHash, async (old, now) => {
      if (isLive(old, now)) await this.put(keyHash, old, { ...old, expiresAt: ctx.expiresAt, lastSeenAt: now });
    });
  }

  async end(key: string): Promise<void> {
    const keyHash = hashOf(key);
    await this.writing(keyHash, (old, now) => this.endRecord(keyHash, old, now));
  }

  /** Leaves a tombstone (as the database: a key with nothing stored gets none); returns whether a live session ended. */
  async endRecord(keyHash: string, old: FileRecord | undefined, now: number): Promise<boolean> {
    if (!old) return false;
    await this.put(keyHash, old, { ...old, data: {}, endedAt: old.endedAt ?? now, userId: null });
    return isLive(old, now);
  }

  /**
   * Under the old key's lock: the data goes under the new key, then the old
   * key ends. If the old key was ended first (a sign-out), nothing moves. A
   * crash in between leaves the old session as it was and the new key known
   * to nobody.
   */
  async cycle(oldKey: string | null, newKey: string, data: Data, ctx: CycleContext): Promise<CycleResult> {
    const newHash = hashOf(newKey);
    const moves = Object.keys(data).length > 0;
    const moveData = () =>
      this.writing(newHash, async (existing, now) => {
        if (existing) throw new Error("The new session key is already in use");
        await this.put(newHash, undefined, { ...this.next(undefined, structuredClone(data), ctx, now), createdAt: ctx.createdAt });
        ctx.created?.();
      });
    if (oldKey === null) {
      if (moves) await moveData();
      return "cycled";
    }
    const oldHash = hashOf(oldKey);
    return this.writing(oldHash, async (old, now) => {
      if (moves && old && old.endedAt !== null) return "interrupted"; // ended meanwhile: the data stays dead
      if (moves) await moveData();
      await this.endRecord(oldHash, old, now);
      return "cycled";
    });
  }

  /** The record a write leaves: a live one's creation time and first user agent kept, the latest network. */
  private next(old: FileRecord | undefined, data: Data, ctx: WriteContext, now: number): FileRecord {
    const live = isLive(old, now) ? old : undefined;
    return {
      data,
      expiresAt: ctx.expiresAt,
      endedAt: null,
      createdAt: live?.createdAt ?? now,
      lastSeenAt: now,
      userId: userIdOf(data),
      userAgent: live?.userAgent ?? ctx.userAgent ?? null,
      network: ctx.network ?? live?.network ?? null,
      anonymous: old?.anonymous,
    };
  }

  /**
   * Writes a record with its index entries in step: an entry is made before
   * the file names it and removed after, so every signed-in session is in
   * its user's directory (an entry may outlive its session; readers drop it).
   */
  private async put(keyHash: string, old: FileRecord | undefined, record: FileRecord): Promise<void> {
    if (record.userId !== null && record.userId !== old?.userId) await this.layout.mark(this.userEntry(record.userId, keyHash));
    const anonymousNow = record.userId === null && record.endedAt === null;
    if (anonymousNow && record.anonymous === undefined) record.anonymous = await this.anonymous.add(keyHash, record.createdAt);
    const dropAnonymous = record.userId !== null ? record.anonymous : undefined;
    if (dropAnonymous !== undefined) delete record.anonymous;
    await this.layout.replace(this.layout.sessionFile(keyHash), JSON.stringify(record), record.expiresAt);
    if (old?.userId != null && old.userId !== record.userId) await this.layout.remove(this.userEntry(old.userId, keyHash));
    if (dropAnonymous !== undefined) await this.anonymous.remove(dropAnonymous);
  }

  /** Deletes a session's file and then its index entries. */
  async removeSession(keyHash: string, old: FileRecord): Promise<void> {
    await this.layout.remove(this.layout.sessionFile(keyHash));
    if (old.userId !== null) await this.layout.remove(this.userEntry(old.userId, keyHash));
    if (old.anonymous !== undefined) await this.anonymous.remove(old.anonymous);
  }

  userEntry(userId: number, keyHash: string): string {
    return `${this.layout.userDir(userId)}/${keyHash}`;
  }

  /** Evicts an anonymous session (the bound, a full disk) unless it is in use right now or signed in since. */
  private async evictOne(keyHash: string, entry: string): Promise<boolean> {
    const file = this.layout.sessionFile(keyHash);
    // In its bucket (made again if removed): an entry whose session went with its bucket is dropped, not retried forever.
    const evicted = await this.layout.inDir(this.layout.bucketOf(keyHash), () => this.locks.tryRun(file, async () => {
      const record = await this.layout.read(file);
      if (record?.anonymous !== entry || record.userId !== null) {
        await this.anonymous.remove(entry); // stale: the session went, or signed in
        return false;
      }
      await this.removeSession(keyHash, record);
      return true;
    }));
    return evicted ?? false;
  }

  clearExpired(limit: number): Promise<number> {
    return clearExpiredFiles(this, limit);
  }
}

/** Django's `file` engine: one file per session in `directory` (SESSION_FILE_PATH), an existing, writable directory. */
export function fileEngine(directory: string, options: ServerSideEngineOptions): SessionEngine {
  return serverSideEngine(new FileStore(directory, options), options.secrets);
}
