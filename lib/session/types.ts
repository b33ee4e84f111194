export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/**
 * The shape of session data. An app declares its keys once by augmenting
 * this interface, so `get("num_visits")` has the declared type:
 *
 *   declare module "@/lib/session" { interface SessionData { num_visits?: number } }
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface SessionData {}

/** Keys a session accepts: the declared ones, and any other string for JSON values. */
export type DataKey = keyof SessionData & string;
export type ValueOf<K extends string> = K extends DataKey ? NonNullable<SessionData[K]> : JsonValue;

/** What one save writes: the keys set, the keys removed, or the whole data after clear(). */
export interface SessionChange {
  set: Record<string, JsonValue>;
  removed: string[];
  replaceAll: boolean;
}

export type LoadResult =
  | { state: "live"; data: Record<string, JsonValue>; createdAt: number; lastSeenAt: number; expiresAt: number }
  | { state: "missing" } // never written, expired, or swept: a fresh session under the same key
  | { state: "ended" }; // flushed or rotated: the key is dead

export type WriteResult = "saved" | "emptied" | "interrupted";

export type CycleResult = "cycled" | "interrupted";

export interface WriteContext {
  expiresAt: number; // ms since epoch
  userAgent?: string;
  /** The client's network, for a device list: its address cut to the /24 (IPv4) or /48 (IPv6). Never the full address. */
  network?: string;
  /** SESSION_MAX_BYTES: an increment that would grow the payload past it is refused (SessionTooLargeError). */
  maxBytes: number;
  /**
   * The limit of a session with no signed-in user (no integer `_auth_user_id`
   * after the write); default maxBytes. Checked with maxBytes in the store's
   * one statement or script, so concurrent writes cannot pass either.
   */
  anonymousMaxBytes?: number;
  /** Called by the store when this write created the session's stored data (a new session, for the client's budget). */
  created?: () => void;
}

/** A rotation's write: the moved session keeps its creation time (SESSION_ABSOLUTE_AGE counts from it). */
export interface CycleContext extends WriteContext {
  /** The session's creation time (ms since epoch), written under the new key. */
  createdAt: number;
}

/**
 * Where sessions are kept, as narrow as Django's SessionBase backends and
 * React Router's createData/readData/updateData/deleteData: a key's data is
 * loaded, changed per key, counted, refreshed, ended, moved to a new key, and
 * swept when expired. The cookie is not the store's business (see
 * CookieCodec); test/store-contract.ts is the contract as a test.
 *
 * Two markers belong to the contract. A tombstone: an ended key (flush,
 * cycle) loads as "ended" until it expires and is swept, so no late save can
 * bring a signed-out session back. The dead-key marker: a save or increment
 * under an ended key writes nothing and answers "interrupted", and the
 * session carries on under a fresh key.
 */
export interface SessionStore {
  /** "live" with the data, "missing" (never written, expired or swept), or "ended" (a tombstone). */
  load(key: string): Promise<LoadResult>;
  /** Applies only the changed keys, so concurrent saves of other keys survive; "emptied" leaves nothing stored. */
  save(key: string, change: SessionChange, ctx: WriteContext): Promise<WriteResult>;
  /**
   * Atomic add of a whole number; "interrupted" when the key is dead. Throws
   * SessionValueError when the value is not a whole number or the result
   * would not be a safe integer, SessionTooLargeError past `ctx.maxBytes`;
   * nothing is written then.
   */
  increment(key: string, field: string, by: number, ctx: WriteContext): Promise<number | "interrupted">;
  /** Pushes a live session's expiry forward without changing its data (idle refresh). */
  touch(key: string, ctx: WriteContext): Promise<void>;
  /** Ends a key for good (flush): it becomes a tombstone. */
  end(key: string): Promise<void>;
  /**
   * Moves the data to a new key, created at `ctx.createdAt`, and ends the old
   * one, in one transaction. "interrupted" when the old key was ended
   * meanwhile (a sign-out, a password change): the data stays dead, under no key.
   */
  cycle(oldKey: string | null, newKey: string, data: Record<string, JsonValue>, ctx: CycleContext): Promise<CycleResult>;
  /** Deletes up to `limit` expired sessions (tombstones included); returns how many. */
  clearExpired(limit: number): Promise<number>;
  /** Refuses data the store could not keep (the cookie engine's 4 KB), before a change is accepted. */
  assertFits?(data: Record<string, JsonValue>): Promise<void>;
  /** Per-user listing and revocation; absent where the engine keeps nothing server-side. */
  readonly users?: UserSessions;
}

/** What a lifecycle hook is told: never the key, only what a security log may keep. */
export interface SessionEventInfo {
  userAgent?: string;
}

/**
 * Lifecycle hooks (the factory's `hooks` option), called after the change is
 * stored. A hook that throws is logged and ignored: it cannot fail a request.
 */
export interface SessionHooks {
  /** A session stored data for the first time under its key. */
  created?(info: SessionEventInfo): void;
  /** cycleKey(): the data moved to a new key (sign-in), the old key is dead. */
  rotated?(info: SessionEventInfo): void;
  /** flush(): the data and the key are gone (sign-out). */
  flushed?(info: SessionEventInfo): void;
  /** A user's other sessions were ended from this one ("sign out other devices"). */
  endedElsewhere?(info: SessionEventInfo & { count: number }): void;
  /** Expired sessions were deleted (the background sweep, sessions:clear). */
  swept?(info: { count: number }): void;
}

/** Runs a hook without letting it fail the caller. */
export function runHook<A>(hook: ((arg: A) => void) | undefined, arg: A): void {
  if (!hook) return;
  try {
    hook(arg);
  } catch (error) {
    console.error("[session] a lifecycle hook failed:", error);
  }
}

/** What a verified session cookie says: the key, and when the cookie was sealed (ms). */
export interface CookieContents {
  key: string;
  sealedAt: number;
}

/** What the session cookie carries, both ways: a sealed key, or (cookie engine) the sealed data. */
export interface CookieCodec {
  /** What a cookie value carries, or null when it is absent, forged, damaged or expired. */
  read(value: string | undefined): Promise<CookieContents | null>;
  /** The cookie value to send for a key (called after the key's data was saved). */
  write(key: string): Promise<string>;
}

/** A store and its cookie, as one request uses them. */
export interface SessionEngine {
  /** The store and codec of one request: shared objects, or new ones where the engine keeps request state (cookie). */
  open(): { store: SessionStore; cookie: CookieCodec };
  /**
   * Whether a write made while a server component renders persists. A
   * server-side store's does; a cookie cannot be set then, so the cookie
   * engine's render-time writes run in the proxy instead (see RenderWrite).
   */
  readonly writesDuringRender: boolean;
}

/** One live session of a user, as a device list shows it. Never the key itself. */
export interface UserSessionInfo {
  /** A short, non-secret handle for the session (a prefix of its key's hash). */
  id: string;
  createdAt: Date;
  lastSeenAt: Date;
  userAgent: string | null;
  /** The network it was last seen from (WriteContext.network), when known. */
  network: string | null;
  current: boolean;
}

export interface UserSessions {
  list(userId: number, currentKey: string | null): Promise<UserSessionInfo[]>;
  /** Ends every live session of the user but `keepKey`, in one statement; returns how many. */
  endOthers(userId: number, keepKey: string): Promise<number>;
  /** Ends the user's live session listed under `id` (see UserSessionInfo.id), unless it is `keepKey`'s; returns whether one ended. */
  endOne(userId: number, id: string, keepKey: string): Promise<boolean>;
}
