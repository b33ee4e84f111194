// Where the file engine keeps things, and how a file is read and replaced.
// Every name is derived from the SHA-256 hash of a key (keys.ts), never the
// key: the hash is base64url, so it holds no "/" and no "..", and a key that
// looks like a path only ever reaches the filesystem as its hash.
import { randomBytes } from "node:crypto";
import { constants } from "node:fs";
import { access, mkdir, readdir, readFile, rename, rm, unlink, utimes, writeFile } from "node:fs/promises";
import path from "node:path";
import { securityEvent } from "../log";
import type { JsonValue } from "../types";
import type { StoredSession } from "./session-info";

/** One session's file: its data and what the device list and the sweep need. No key in it. */
export interface FileRecord extends StoredSession {
  data: Record<string, JsonValue>;
  /** Its entry in the index of anonymous sessions (file-anonymous.ts), while it has one. */
  anonymous?: string;
}

/** Opens for reading without following a symbolic link at the last step (ELOOP instead). */
const READ_NO_LINK = constants.O_RDONLY | constants.O_NOFOLLOW;

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

/** A record's shape, as the store relies on it: anything else written in its place is damage, never data of the wrong type. */
function isRecord(value: unknown): value is FileRecord {
  return (
    isObject(value) &&
    isObject(value.data) &&
    typeof value.expiresAt === "number" &&
    (value.endedAt === null || typeof value.endedAt === "number") &&
    typeof value.createdAt === "number" &&
    typeof value.lastSeenAt === "number" &&
    (value.userId === null || Number.isInteger(value.userId)) &&
    (value.userAgent === null || typeof value.userAgent === "string") &&
    (value.network === null || typeof value.network === "string") &&
    (value.anonymous === undefined || (typeof value.anonymous === "string" && /^[0-9a-z]{9}\.[A-Za-z0-9_-]{43}$/.test(value.anonymous)))
  );
}

/**
 * A record as files written before the last-seen rename hold it (`updatedAt`):
 * read as today's, so the upgrade signs no one out and a tombstone stays one.
 * The next write stores the new shape.
 */
function upgraded(value: unknown): unknown {
  if (!isObject(value) || !("updatedAt" in value) || "lastSeenAt" in value) return value;
  const { updatedAt, ...rest } = value;
  return { ...rest, lastSeenAt: updatedAt };
}

/** The `code` of a filesystem error (ENOENT, EISDIR…), or undefined. */
export function errorCode(error: unknown): unknown {
  return (error as { code?: unknown } | null)?.code;
}

/** A temp file or lock older than this was left by a process that died: the sweep removes it. */
export const LEFTOVER_MS = 60_000;

/** Filesystem codes that say the disk is full: make room, then refuse the write (507), as SQLITE_FULL. */
export function isDiskFull(error: unknown): boolean {
  const code = errorCode(error);
  return code === "ENOSPC" || code === "EDQUOT";
}

/** The directory under SESSION_FILE_PATH was removed: an outage (availability.ts counts this code), not a missing session. */
export class SessionDirectoryMissingError extends Error {
  override name = "SessionDirectoryMissingError";
  readonly code = "SESSION_FILE_PATH_MISSING";
}

export class FileLayout {
  /** Bucket directories known to exist: created once, never removed (the sweep leaves them). */
  private readonly buckets = new Set<string>();

  constructor(readonly root: string) {}

  /** Two characters of the hash: up to 4,096 buckets, about 25 files each at 100,000 sessions. */
  bucketOf(keyHash: string): string {
    return path.join(this.root, keyHash.slice(0, 2));
  }

  sessionFile(keyHash: string): string {
    return path.join(this.bucketOf(keyHash), keyHash);
  }

  userDir(userId: number): string {
    return path.join(this.root, "users", String(userId));
  }

  get anonymousDir(): string {
    return path.join(this.root, "anonymous");
  }

  /** Creates a directory under the root, never the root itself: a removed SESSION_FILE_PATH is an outage, not recreated. */
  async ensureDir(dir: string): Promise<void> {
    if (this.buckets.has(dir)) return;
    try {
      await mkdir(dir, { recursive: false });
    } catch (error) {
      const code = errorCode(error);
      if (code === "ENOENT" && path.dirname(dir) !== this.root) return this.ensureNested(dir);
      if (code !== "EEXIST") throw await this.fault(error);
    }
    this.buckets.add(dir);
  }

  /**
   * Runs `op`, which needs `dir`. A directory removed behind this process's
   * back (a temp-directory cleaner, an operator emptying SESSION_FILE_PATH)
   * is still in `buckets`: on ENOENT it is forgotten, made again, and `op`
   * tried once more, instead of failing every write to it until a restart.
   */
  async inDir<T>(dir: string, op: () => Promise<T>): Promise<T> {
    await this.ensureDir(dir);
    try {
      return await op();
    } catch (error) {
      if (errorCode(error) !== "ENOENT" || !this.forget(dir)) throw error;
      await this.ensureDir(dir);
      return op();
    }
  }

  /** Forgets `dir` and its parents under the root; whether any was known. */
  private forget(dir: string): boolean {
    let known = false;
    for (let current = dir; current !== this.root && current.startsWith(this.root); current = path.dirname(current)) {
      known = this.buckets.delete(current) || known;
    }
    return known;
  }

  private async ensureNested(dir: string): Promise<void> {
    await this.ensureDir(path.dirname(dir));
    await this.ensureDir(dir);
  }

  /** An ENOENT that is the root's own absence becomes SessionDirectoryMissingError; anything else stays as it was. */
  async fault(error: unknown): Promise<unknown> {
    if (errorCode(error) !== "ENOENT") return error;
    try {
      await access(this.root);
      return error;
    } catch {
      this.buckets.clear();
      return new SessionDirectoryMissingError(`SESSION_FILE_PATH ${this.root} is missing`, { cause: error });
    }
  }

  /** The names in a directory under the root, or none when it does not exist (yet, or any more). */
  async list(dir: string): Promise<string[]> {
    try {
      return await readdir(dir);
    } catch (error) {
      const faulted = await this.fault(error);
      if (errorCode(faulted) === "ENOENT") return [];
      throw faulted;
    }
  }

  /** The file's record, or undefined when there is none (or it is damaged: logged, and treated as missing). */
  async read(file: string): Promise<FileRecord | undefined> {
    let text: string;
    try {
      text = await readFile(file, { encoding: "utf8", flag: READ_NO_LINK });
    } catch (error) {
      const faulted = await this.fault(error);
      const code = errorCode(faulted);
      if (code === "ENOENT") return undefined;
      // A directory or a symbolic link in its place: one session's damage (a link is never followed to another file's data), not an outage.
      if (code === "EISDIR" || code === "ELOOP") return this.damaged(file);
      throw faulted;
    }
    try {
      const record = upgraded(JSON.parse(text) as unknown);
      if (!isRecord(record)) throw new Error("not a record");
      return record;
    } catch {
      return this.damaged(file);
    }
  }

  private damaged(file: string): undefined {
    securityEvent("corrupt session file", { keyHash: path.basename(file).slice(0, 8) });
    return undefined;
  }

  /** Removes whatever stands at a damaged session's name, a directory included. */
  async removeDamaged(file: string): Promise<void> {
    try {
      await rm(file, { recursive: true, force: true });
    } catch (error) {
      throw await this.fault(error);
    }
  }

  /**
   * Replaces a file whole: written beside it under a temp name, then renamed
   * over it, so a reader sees the old file or the new one, never a part. No
   * fsync (docs: README's file row): a process crash cannot tear the file.
   */
  async replace(file: string, text: string, expiresAt: number): Promise<void> {
    await this.inDir(path.dirname(file), () => this.writeThenRename(file, text, expiresAt));
  }

  /** The file's modification time is set to when it expires: the sweep tells a live file by a stat, without reading it (expiresAtOf). */
  private async writeThenRename(file: string, text: string, expiresAt: number): Promise<void> {
    const temp = `${file}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
    try {
      await writeFile(temp, text, { flag: "wx", mode: 0o600 });
      await utimes(temp, new Date(), new Date(expiresAt));
      await rename(temp, file).catch(async (error: unknown) => {
        if (errorCode(error) !== "EISDIR") throw error;
        await rm(file, { recursive: true, force: true }); // a directory in its place (read as damaged): under the lock, replaced
        await rename(temp, file);
      });
    } catch (error) {
      await unlink(temp).catch(() => {});
      throw await this.fault(error);
    }
  }

  /** Removes a file; one already gone is fine. */
  async remove(file: string): Promise<void> {
    try {
      await unlink(file);
    } catch (error) {
      const faulted = await this.fault(error);
      if (errorCode(faulted) !== "ENOENT") throw faulted;
    }
  }

  /** An empty marker file (an index entry). */
  async mark(file: string): Promise<void> {
    await this.inDir(path.dirname(file), async () => {
      try {
        await writeFile(file, "", { mode: 0o600 });
      } catch (error) {
        throw await this.fault(error);
      }
    });
  }
}
