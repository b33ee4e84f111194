// The file engine's sweep (clearsessions, the background sweep): walks the
// bucket directories, from where the last call stopped, deleting expired
// session files (tombstones included) and what dead processes left behind:
// temp files of writes that never renamed, and locks never released.
import { rm, stat, utimes } from "node:fs/promises";
import path from "node:path";
import { LEFTOVER_MS } from "./file-layout";
import type { FileStoreInternals } from "./file-internals";

/** A session file's name: a key's hash (base64url SHA-256). */
export const HASH_NAME = /^[A-Za-z0-9_-]{43}$/;
const BUCKET_NAME = /^[A-Za-z0-9_-]{2}$/;

/** Where each store's last sweep stopped (bucket name), so a bounded sweep covers every bucket in turn. */
const cursors = new WeakMap<FileStoreInternals, string>();

/** Deletes up to `limit` expired sessions; returns how many. */
export async function clearExpiredFiles(store: FileStoreInternals, limit: number): Promise<number> {
  const buckets = (await store.layout.list(store.layout.root)).filter((name) => BUCKET_NAME.test(name)).sort();
  const from = cursors.get(store);
  const start = Math.max(0, from === undefined ? 0 : buckets.findIndex((name) => name >= from));
  let deleted = 0;
  for (let i = 0; i < buckets.length && deleted < limit; i++) {
    const bucket = buckets[(start + i) % buckets.length];
    deleted += await sweepBucket(store, path.join(store.layout.root, bucket), limit - deleted);
    cursors.set(store, bucket);
  }
  return deleted;
}

async function sweepBucket(store: FileStoreInternals, dir: string, limit: number): Promise<number> {
  let deleted = 0;
  for (const name of await store.layout.list(dir)) {
    if (deleted >= limit) break;
    if (HASH_NAME.test(name)) deleted += (await removeIfExpired(store, name)) ? 1 : 0;
    else if (name.endsWith(".tmp") || name.endsWith(".lock")) await removeLeftover(path.join(dir, name));
  }
  return deleted;
}

/** When the file says it expires (its modification time, set by every write), or 0 when it is gone. */
async function expiresAtOf(file: string): Promise<number> {
  try {
    return (await stat(file)).mtimeMs;
  } catch {
    return 0;
  }
}

/**
 * Glanced at by its modification time (most files are live: a stat, not a
 * read and a parse), then by its contents, then under its lock. A live file
 * whose time is not its expiry (written before, or touched by hand) is given
 * it, unlocked: the time is only a hint to skip a file (a write racing this
 * may be left the expiry it replaced: a shortened one is swept only then).
 */
async function removeIfExpired(store: FileStoreInternals, keyHash: string): Promise<boolean> {
  const file = store.layout.sessionFile(keyHash);
  if ((await expiresAtOf(file)) > Date.now()) return false;
  const glance = await store.layout.read(file);
  if (glance && glance.expiresAt > Date.now()) {
    await utimes(file, new Date(), new Date(glance.expiresAt)).catch(() => {});
    return false;
  }
  const removed = await store.locks.tryRun(file, async () => {
    const record = await store.layout.read(file);
    if (record && record.expiresAt > Date.now()) return false;
    if (record) await store.removeSession(keyHash, record);
    else await store.layout.removeDamaged(file); // damaged (a directory, too): it loads as missing already
    return true;
  });
  return removed ?? false;
}

/**
 * A temp file or lock directory untouched for a minute: its process died (a
 * held lock is refreshed every second or so). One dated more than a minute
 * ahead is a leftover too (the clock stepped back after its process died):
 * proper-lockfile never finds it stale, so it would block its session for good.
 */
async function removeLeftover(file: string): Promise<void> {
  try {
    if (Math.abs(Date.now() - (await stat(file)).mtimeMs) > LEFTOVER_MS) await rm(file, { recursive: true, force: true });
  } catch {
    // gone meanwhile
  }
}
