import type { UserSessionInfo } from "../types";

/** What a store keeps of a session for the device list. */
export interface ListedSession {
  createdAt: number;
  lastSeenAt: number;
  userAgent: string | null;
  network: string | null;
}

/** What a store that keeps sessions in JavaScript objects (memory, file) holds beside the data: a libSQL row's columns. */
export interface StoredSession extends ListedSession {
  expiresAt: number;
  /** A tombstone's end time: the key is dead until the session expires and is swept. */
  endedAt: number | null;
  /** The signed-in user (`_auth_user_id`), for the device list. */
  userId: number | null;
}

/** A device-list row: named by a prefix of the key's hash (never the key), newest activity as last seen. */
export function sessionInfo(keyHash: string, session: ListedSession, currentHash: string | null): UserSessionInfo {
  return {
    id: keyHash.slice(0, 12),
    createdAt: new Date(session.createdAt),
    lastSeenAt: new Date(session.lastSeenAt),
    userAgent: session.userAgent,
    network: session.network,
    current: keyHash === currentHash,
  };
}

/** Rows newest activity first, as every store lists them. */
export function newestFirst<T extends { lastSeenAt: number }>(a: T, b: T): number {
  return b.lastSeenAt - a.lastSeenAt;
}
