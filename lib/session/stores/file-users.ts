// The file engine's device list: `users/<id>/` holds one empty file per
// signed-in session of the user, named by its key's hash. An entry is made
// before the session's file names the user and removed after (file.ts put),
// so it may outlive its session, never miss one: every entry is checked
// against the session's own file, and a stale one dropped under that
// session's lock (never while a write could be adding it back).
import { hashKey } from "../keys";
import type { UserSessions } from "../types";
import type { FileRecord } from "./file-layout";
import type { FileStoreInternals } from "./file-internals";
import { HASH_NAME } from "./file-sweep";
import { newestFirst, sessionInfo } from "./session-info";

const isLiveOf = (record: FileRecord | undefined, userId: number, now: number): record is FileRecord =>
  !!record && record.endedAt === null && record.expiresAt > now && record.userId === userId;

/** The hashes in a user's directory. */
async function entriesOf(store: FileStoreInternals, userId: number): Promise<string[]> {
  return (await store.layout.list(store.layout.userDir(userId))).filter((name) => HASH_NAME.test(name));
}

/** The user's live sessions with their records; stale entries dropped. */
async function liveOf(store: FileStoreInternals, userId: number): Promise<{ keyHash: string; record: FileRecord }[]> {
  const now = Date.now();
  const read = await Promise.all(
    (await entriesOf(store, userId)).map(async (keyHash) => ({ keyHash, record: await store.layout.read(store.layout.sessionFile(keyHash)) })),
  );
  const live = read.filter((entry): entry is { keyHash: string; record: FileRecord } => isLiveOf(entry.record, userId, now));
  const stale = read.filter((entry) => !isLiveOf(entry.record, userId, now));
  await Promise.all(stale.map(({ keyHash }) => dropIfStale(store, userId, keyHash)));
  return live;
}

async function dropIfStale(store: FileStoreInternals, userId: number, keyHash: string): Promise<void> {
  await store.writing(keyHash, async (record) => {
    if (record?.userId !== userId) await store.layout.remove(store.userEntry(userId, keyHash));
  });
}

/** Ends `keyHash`'s session if it is still a live one of `userId`; returns whether it did. */
async function endIfUsers(store: FileStoreInternals, userId: number, keyHash: string): Promise<boolean> {
  return store.writing(keyHash, async (record, now) => isLiveOf(record, userId, now) && store.endRecord(keyHash, record, now));
}

export function fileUserSessions(store: FileStoreInternals): UserSessions {
  return {
    list: async (userId, currentKey) => {
      const current = currentKey ? hashKey(currentKey) : null;
      return (await liveOf(store, userId))
        .sort((a, b) => newestFirst(a.record, b.record))
        .map(({ keyHash, record }) => sessionInfo(keyHash, record, current));
    },
    endOthers: async (userId, keepKey) => {
      // A rotation writes its new key before it ends the old one (file.ts cycle): one under way
      // while this lists shows up in the next listing. So: list again until nothing new shows.
      const seen = new Set([hashKey(keepKey)]);
      let count = 0;
      for (let pass = 0; pass < 5; pass++) {
        const fresh = (await liveOf(store, userId)).filter((s) => !seen.has(s.keyHash));
        if (fresh.length === 0) break;
        for (const s of fresh) seen.add(s.keyHash);
        count += (await Promise.all(fresh.map((s) => endIfUsers(store, userId, s.keyHash)))).filter(Boolean).length;
      }
      return count;
    },
    endOne: async (userId, id, keepKey) => {
      const keep = hashKey(keepKey);
      const target = (await liveOf(store, userId)).find((s) => s.keyHash.slice(0, 12) === id && s.keyHash !== keep);
      return target ? endIfUsers(store, userId, target.keyHash) : false;
    },
  };
}
