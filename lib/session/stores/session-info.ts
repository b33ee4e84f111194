import type { UserSessionInfo } from "../types";

/** What a store keeps of a session for the device list. */
export interface ListedSession {
  createdAt: number;
  updatedAt: number;
  userAgent: string | null;
  network: string | null;
}

/** A device-list row: named by a prefix of the key's hash (never the key), newest activity as last seen. */
export function sessionInfo(keyHash: string, session: ListedSession, currentHash: string | null): UserSessionInfo {
  return {
    id: keyHash.slice(0, 12),
    createdAt: new Date(session.createdAt),
    lastSeenAt: new Date(session.updatedAt),
    userAgent: session.userAgent,
    network: session.network,
    current: keyHash === currentHash,
  };
}

/** Rows newest activity first, as every store lists them. */
export function newestFirst<T extends { updatedAt: number }>(a: T, b: T): number {
  return b.updatedAt - a.updatedAt;
}
