import { SessionTooLargeError } from "../errors";
import type { Client } from "@libsql/client";
import { and, desc, eq, gt, isNull, ne, sql } from "drizzle-orm";
import { drizzle, type LibSQLDatabase } from "drizzle-orm/libsql";
import { sessions } from "./libsql-schema";
import { withRoom } from "./make-room";
import { statementsFor, type SharedConnection, type SqlArgs, type Statements } from "./libsql-statements";
import { serverSideEngine, type ServerSideEngineOptions } from "../key-cookie";
import { hashKey } from "../keys";
import { securityEvent } from "../log";
import { assertIncrementResult, jsonPath } from "../validate";
import type { CycleContext, CycleResult, JsonValue, LoadResult, SessionChange, SessionEngine, SessionStore, UserSessionInfo, UserSessions, WriteContext, WriteResult } from "../types";

/** The reserved key whose integer value is copied into the `user_id` column (per-user listing). */
const USER_ID_KEY = "_auth_user_id";

/** A whole number binds as INTEGER; a JS number alone goes over libSQL's network protocol as REAL. */
function numberParam(n: number): number | bigint {
  return Number.isInteger(n) ? BigInt(n) : n;
}

function userIdOf(data: Record<string, JsonValue>): number | null {
  const value = data[USER_ID_KEY];
  return typeof value === "number" && Number.isInteger(value) ? value : null;
}

// The per-request statements (load, save, increment) are plain SQL run through the
// database's prepared statements (lib/db/statements.ts): building them with Drizzle
// and compiling them anew each time cost more than running them. Rarer ones use Drizzle.

/** The stored data a write builds on: nothing when expired or corrupt, so old data never comes back. */
const LIVE_DATA = `(CASE WHEN expires_at > :now AND json_valid(data) THEN data ELSE '{}' END)`;

/**
 * The expiry a write leaves: the new one, unless it moved less than `:slack`
 * (a minute, or a tenth of the session's age). Moving it rewrites the expiry
 * index too, which a visit counter would otherwise do on every request; so a
 * session may end up to a minute before Django's would.
 */
const MOVED_EXPIRY = `CASE WHEN abs(excluded.expires_at - expires_at) >= :slack OR expires_at <= :now THEN excluded.expires_at ELSE expires_at END`;

const LOAD_SQL = `SELECT data, expires_at AS expiresAt, ended_at AS endedAt, created_at AS createdAt, last_seen_at AS lastSeenAt
  FROM sessions WHERE key_hash = :keyHash`;

/** The payload limit of a row whose user (after the write) is `userId`: SESSION_ANONYMOUS_MAX_BYTES without one. */
const limitFor = (userId: string) => `CASE WHEN ${userId} IS NULL THEN :anonymousMaxBytes ELSE :maxBytes END`;

/** What a write returns besides its value: whether it made a new session, and the anonymous count before it. */
const WRITE_FACTS = `created_at = :now AS created, user_id IS NULL AS anonymous, (SELECT anonymous FROM session_counts) AS anonymousCount`;

/** The largest whole number JavaScript holds exactly: a count never leaves ±this. */
const SAFE_INTEGER = `${Number.MAX_SAFE_INTEGER}`;
/** Bytes a safe integer's digits can add to a payload (sign and 16 digits). */
const COUNT_GROWTH_BYTES = 17;

/**
 * The usual increment: a live row whose expiry need not move. Leaving
 * expires_at out of the SET spares the expiry index, which SQLite rewrites
 * whenever the column is assigned, even to its own value: a third cheaper
 * than the upsert below, which handles everything else (and the exact size
 * check of a row near SESSION_MAX_BYTES).
 */
const INCREMENT_LIVE_SQL = `UPDATE sessions SET data = json_set(data, :path, json_extract(data, :path) + :by), last_seen_at = :now
  WHERE key_hash = :keyHash AND ended_at IS NULL AND expires_at > :now AND abs(:expiresAt - expires_at) < :slack
    AND CASE WHEN json_valid(data) THEN json_type(data, :path) END = 'integer'
    AND abs(json_extract(data, :path) + :by) <= ${SAFE_INTEGER}
    AND length(CAST(data AS BLOB)) + ${COUNT_GROWTH_BYTES} <= ${limitFor("user_id")}
  RETURNING json_extract(data, :path) AS value`;

const COUNTED_DATA = `json_set(${LIVE_DATA}, :path, coalesce(json_extract(${LIVE_DATA}, :path), 0) + :by)`;

/** Refuses (no row returned) a value that is not a whole number, a count that would not stay exact, a payload past the limit. */
const INCREMENT_SQL = `INSERT INTO sessions (key_hash, data, expires_at, created_at, last_seen_at, user_agent, network)
  SELECT :keyHash, json_object(:field, :by), :expiresAt, :now, :now, :userAgent, :network
  WHERE length(CAST(json_object(:field, :by) AS BLOB)) <= :anonymousMaxBytes
  ON CONFLICT (key_hash) DO UPDATE SET
    data = ${COUNTED_DATA},
    created_at = CASE WHEN expires_at > :now THEN created_at ELSE :now END,
    user_id = CASE WHEN expires_at > :now THEN user_id END,
    network = coalesce(excluded.network, network),
    expires_at = ${MOVED_EXPIRY},
    last_seen_at = excluded.last_seen_at
  WHERE ended_at IS NULL AND coalesce(json_type(${LIVE_DATA}, :path), 'integer') = 'integer'
    AND abs(coalesce(json_extract(${LIVE_DATA}, :path), 0) + :by) <= ${SAFE_INTEGER}
    AND length(CAST(${COUNTED_DATA} AS BLOB)) <= ${limitFor("CASE WHEN expires_at > :now THEN user_id END")}
  RETURNING json_extract(data, :path) AS value, ${WRITE_FACTS}`;

/** SQLite functions take at most 127 arguments: a change within that is one flat json_set and json_remove. */
const MAX_FLAT_ARGS = 126;

/**
 * A change too large for one call: the surviving stored members and the new
 * ones regrouped in one pass (linear in the payload, unlike a chain of calls,
 * which SQLite's parser also refuses past a depth). json_each gives true and
 * false as 1 and 0 and containers as text, hence the CASE.
 */
const MERGED_DATA = `coalesce((SELECT json_group_object(key, CASE type WHEN 'true' THEN json('true') WHEN 'false' THEN json('false')
      WHEN 'null' THEN json('null') WHEN 'object' THEN json(value) WHEN 'array' THEN json(value) ELSE value END)
    FROM (SELECT key, value, type FROM json_each(${LIVE_DATA}) WHERE key NOT IN (SELECT value FROM json_each(:touched))
      UNION ALL SELECT key, value, type FROM json_each(:inserted))), '{}')`;

/** A save's statement for its shape: how many keys it sets and removes, whether it replaces all, whether it names the user. */
function saveSql(setCount: number, removedCount: number, replaceAll: boolean, setsUserId: boolean): string {
  let data = LIVE_DATA;
  if (replaceAll) data = ":inserted";
  else if (!isFlat(setCount, removedCount)) data = MERGED_DATA;
  else {
    const pairs = Array.from({ length: setCount }, (_, i) => `:p${i}, json(:v${i})`);
    if (setCount > 0) data = `json_set(${[data, ...pairs].join(", ")})`;
    const paths = Array.from({ length: removedCount }, (_, i) => `:r${i}`);
    if (removedCount > 0) data = `json_remove(${[data, ...paths].join(", ")})`;
  }
  const userId = setsUserId ? ":userId" : "CASE WHEN expires_at > :now THEN user_id END";
  // Both limits checked in the statement itself: concurrent saves of different keys cannot together pass them.
  return `INSERT INTO sessions (key_hash, data, expires_at, created_at, last_seen_at, user_id, user_agent, network)
  SELECT :keyHash, :inserted, :expiresAt, :now, :now, :userId, :userAgent, :network
  WHERE length(CAST(:inserted AS BLOB)) <= ${limitFor(":userId")}
  ON CONFLICT (key_hash) DO UPDATE SET
    data = ${data},
    created_at = CASE WHEN expires_at > :now THEN created_at ELSE :now END,
    user_id = ${userId},
    user_agent = coalesce(user_agent, excluded.user_agent),
    network = coalesce(excluded.network, network),
    expires_at = ${MOVED_EXPIRY},
    last_seen_at = excluded.last_seen_at
  WHERE ended_at IS NULL AND length(CAST(${data} AS BLOB)) <= ${limitFor(userId)}
  RETURNING data, ${WRITE_FACTS}`;
}

function isFlat(setCount: number, removedCount: number): boolean {
  return 2 * setCount <= MAX_FLAT_ARGS && removedCount <= MAX_FLAT_ARGS;
}

/** A session that became empty leaves no row behind. */
const DELETE_EMPTIED_SQL = `DELETE FROM sessions WHERE key_hash = :keyHash AND data = '{}' AND ended_at IS NULL`;

interface StoredSession {
  data: string;
  expiresAt: number;
  endedAt: number | null;
  createdAt: number;
  lastSeenAt: number;
}

/** The arguments every upsert shares. */
function upsertArgs(keyHash: string, ctx: WriteContext): SqlArgs {
  const now = Date.now();
  const slack = Math.min(60_000, Math.floor((ctx.expiresAt - now) / 10));
  return { keyHash, now, expiresAt: ctx.expiresAt, slack, userAgent: ctx.userAgent ?? null, network: ctx.network ?? null, maxBytes: ctx.maxBytes,
    anonymousMaxBytes: Math.min(ctx.anonymousMaxBytes ?? ctx.maxBytes, ctx.maxBytes) };
}

/** What a write that may create a row returns besides its value. */
interface WriteFacts {
  created: number;
  anonymous: number;
  /** The count of anonymous rows (session_counts), as it stood before this write's own trigger. */
  anonymousCount: number;
}

/**
 * Deletes the oldest-expiring rows without a signed-in user (expired ones
 * first, then live anonymous sessions and tombstones) while there are more
 * than :max, or :atLeast of them (room for a full disk); by rowid through the
 * expiry index, in one statement.
 */
const EVICT_ANONYMOUS_SQL = `DELETE FROM sessions WHERE rowid IN (SELECT rowid FROM sessions WHERE user_id IS NULL ORDER BY expires_at
  LIMIT (SELECT max(anonymous - :max, :atLeast) FROM session_counts))`;

/** Rows evicted to make room when the disk or the database is full. */
const FULL_EVICTION_BATCH = 16;

/** SQLite's "database or disk is full" (a disk, a quota, or max_page_count), anywhere in the error's causes. */
function isStoreFull(error: unknown): boolean {
  for (let depth = 0, current = error; depth < 5 && current instanceof Error; depth++, current = current.cause) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && code.startsWith("SQLITE_FULL")) return true;
  }
  return false;
}

export interface LibsqlStoreOptions {
  /** SESSION_ANONYMOUS_MAX_SESSIONS: rows without a signed-in user kept at most; past it the oldest-expiring go (default: no bound). */
  maxAnonymousSessions?: number;
}

/**
 * The libSQL engine: one row per session keyed by a hash of the key. Every
 * write is a single statement (or one batch), never an interactive
 * transaction, so SQLITE_BUSY cannot leave a half-open transaction behind.
 */
/** What the store runs on: a libSQL client, and for a plain local file how to open it directly. */
export interface LibsqlConnection {
  client: Client;
  /** A plain local database file (not a replica, not :memory:): per-request statements are prepared on it. */
  local?: SharedConnection;
}

export class LibsqlStore implements SessionStore {
  private readonly db: LibSQLDatabase;
  /** The per-request statements (load, save, increment), prepared where the driver allows. */
  readonly statements: Statements;

  private readonly maxAnonymousSessions: number;

  constructor(connection: LibsqlConnection, options: LibsqlStoreOptions = {}) {
    this.db = drizzle(connection.client);
    this.statements = statementsFor(connection.client, connection.local);
    this.maxAnonymousSessions = options.maxAnonymousSessions ?? Number.MAX_SAFE_INTEGER;
  }

  /** Runs a write, making room when the database or its disk is full (see withRoom). */
  private writing<T>(write: () => Promise<T>): Promise<T> {
    return withRoom(write, isStoreFull, () => this.evictAnonymous(FULL_EVICTION_BATCH));
  }


  /** Evicts past the bound (and at least `atLeast` rows); returns how many went. */
  async evictAnonymous(atLeast = 0): Promise<number> {
    if (atLeast === 0 && this.maxAnonymousSessions === Number.MAX_SAFE_INTEGER) return 0;
    const rows = await this.statements.all<never>(`${EVICT_ANONYMOUS_SQL} RETURNING 1`, { max: this.maxAnonymousSessions, atLeast });
    return rows.length;
  }

  /** After a write: the store told of a new session, and kept within its bound of anonymous rows. */
  private async afterWrite(facts: WriteFacts, ctx: WriteContext): Promise<void> {
    if (!Number(facts.created)) return;
    ctx.created?.();
    if (Number(facts.anonymous) && Number(facts.anonymousCount) >= this.maxAnonymousSessions) await this.evictAnonymous();
  }

  /** A write refused by the size check in its statement: SessionTooLargeError, with the size it would have had. */
  private async tooLarge(key: string, change: SessionChange, ctx: WriteContext): Promise<never> {
    const loaded = await this.load(key);
    const data: Record<string, JsonValue> = change.replaceAll || loaded.state !== "live" ? {} : { ...loaded.data };
    for (const [k, v] of Object.entries(change.set)) data[k] = v;
    for (const k of change.removed) delete data[k];
    const bytes = Buffer.byteLength(JSON.stringify(data));
    const limit = userIdOf(data) === null ? Math.min(ctx.anonymousMaxBytes ?? ctx.maxBytes, ctx.maxBytes) : ctx.maxBytes;
    throw new SessionTooLargeError(bytes, limit, limit < ctx.maxBytes ? "SESSION_ANONYMOUS_MAX_BYTES" : "SESSION_MAX_BYTES");
  }

  private async stored(keyHash: string): Promise<StoredSession | undefined> {
    return this.statements.get<StoredSession>(LOAD_SQL, { keyHash });
  }

  async load(key: string): Promise<LoadResult> {
    const row = await this.stored(hashKey(key));
    if (!row) return { state: "missing" };
    if (row.endedAt !== null) return { state: "ended" };
    if (row.expiresAt <= Date.now()) return { state: "missing" };
    try {
      const data: unknown = JSON.parse(row.data);
      if (typeof data !== "object" || data === null || Array.isArray(data)) throw new Error("not an object");
      return { state: "live", data: data as Record<string, JsonValue>, createdAt: row.createdAt, lastSeenAt: row.lastSeenAt, expiresAt: row.expiresAt };
    } catch {
      securityEvent("corrupt session data", { keyHash: hashKey(key).slice(0, 8) });
      return { state: "missing" };
    }
  }

  async save(key: string, change: SessionChange, ctx: WriteContext): Promise<WriteResult> {
    const keyHash = hashKey(key);
    const args = upsertArgs(keyHash, ctx);
    // A key both set and removed ends up removed, on a new row as on an existing one (json_remove runs after json_set).
    const set = Object.entries(change.set);
    const removed = new Set(change.removed);
    args.inserted = JSON.stringify(Object.fromEntries(set.filter(([k]) => !removed.has(k))));
    if (!change.replaceAll && isFlat(set.length, change.removed.length)) {
      set.forEach(([k, v], i) => ((args[`p${i}`] = jsonPath(k)), (args[`v${i}`] = JSON.stringify(v))));
      change.removed.forEach((k, i) => (args[`r${i}`] = jsonPath(k)));
    } else if (!change.replaceAll) {
      args.touched = JSON.stringify([...set.map(([k]) => k), ...change.removed]);
    }
    const setsUserId = change.replaceAll || USER_ID_KEY in change.set || change.removed.includes(USER_ID_KEY);
    args.userId = setsUserId ? userIdOf(change.set) : null;

    const sql = saveSql(set.length, change.removed.length, change.replaceAll, setsUserId);
    const row = await this.writing(() => this.statements.get<{ data: string } & WriteFacts>(sql, args));
    if (!row) {
      if ((await this.load(key)).state === "ended") return "interrupted";
      return this.tooLarge(key, change, ctx);
    }
    await this.afterWrite(row, ctx);
    if (row.data !== "{}") return "saved";
    await this.statements.all(DELETE_EMPTIED_SQL, { keyHash });
    return "emptied";
  }

  async increment(key: string, field: string, by: number, ctx: WriteContext): Promise<number | "interrupted"> {
    const keyHash = hashKey(key);
    const args = { ...upsertArgs(keyHash, ctx), field, path: jsonPath(field), by: numberParam(by) };
    const updated = await this.writing(() => this.statements.get<{ value: number }>(INCREMENT_LIVE_SQL, args));
    if (updated) return Number(updated.value);
    const upserted = await this.writing(() => this.statements.get<{ value: number } & WriteFacts>(INCREMENT_SQL, args));
    if (upserted) {
      await this.afterWrite(upserted, ctx);
      return Number(upserted.value);
    }
    // Refused: say why, from the row as it is now (one read: an ended row loads as "ended").
    const loaded = await this.load(key);
    if (loaded.state === "ended") return "interrupted";
    const data = loaded.state === "live" ? loaded.data : {};
    const value = assertIncrementResult(field, Object.hasOwn(data, field) ? data[field] : undefined, by);
    return this.tooLarge(key, { set: { [field]: value }, removed: [], replaceAll: false }, ctx);
  }

  async touch(key: string, ctx: WriteContext): Promise<void> {
    await this.writing(() => this.db
      .update(sessions)
      .set({ expiresAt: ctx.expiresAt, lastSeenAt: Date.now() })
      .where(and(eq(sessions.keyHash, hashKey(key)), isNull(sessions.endedAt), gt(sessions.expiresAt, Date.now()))));
  }

  async end(key: string): Promise<void> {
    await this.writing(() => this.db.update(sessions).set({ endedAt: Date.now(), data: "{}", userId: null }).where(eq(sessions.keyHash, hashKey(key))));
  }

  async cycle(oldKey: string | null, newKey: string, data: Record<string, JsonValue>, ctx: CycleContext): Promise<CycleResult> {
    const now = Date.now();
    const moves = Object.keys(data).length > 0;
    const oldHash = oldKey === null ? "" : hashKey(oldKey);
    const statements = [];
    if (moves) {
      // Only while the old key is not ended: a sign-out or password change that ended it first wins (one transaction).
      statements.push(this.db.run(sql`INSERT INTO sessions (key_hash, data, expires_at, created_at, last_seen_at, user_id, user_agent, network)
        SELECT ${hashKey(newKey)}, ${JSON.stringify(data)}, ${numberParam(ctx.expiresAt)}, ${numberParam(ctx.createdAt)}, ${numberParam(now)},
          ${userIdOf(data) === null ? null : numberParam(userIdOf(data)!)}, ${ctx.userAgent ?? null}, ${ctx.network ?? null}
        WHERE NOT EXISTS (SELECT 1 FROM sessions WHERE key_hash = ${oldHash} AND ended_at IS NOT NULL)`));
    }
    if (oldKey) {
      statements.push(this.db.update(sessions).set({ endedAt: now, data: "{}", userId: null }).where(eq(sessions.keyHash, oldHash)));
    }
    if (statements.length === 0) return "cycled";
    const [first, ...rest] = statements;
    const [inserted] = await this.writing(() => this.db.batch([first, ...rest]));
    if (!moves) return "cycled";
    if (inserted.rowsAffected === 0) return "interrupted";
    ctx.created?.();
    if (userIdOf(data) === null) await this.evictAnonymous();
    return "cycled";
  }


  readonly users: UserSessions = {
    list: async (userId, currentKey) => {
      const current = currentKey ? hashKey(currentKey) : null;
      const rows = await this.db
        .select({ keyHash: sessions.keyHash, createdAt: sessions.createdAt, lastSeenAt: sessions.lastSeenAt, userAgent: sessions.userAgent, network: sessions.network })
        .from(sessions)
        .where(and(eq(sessions.userId, userId), isNull(sessions.endedAt), gt(sessions.expiresAt, Date.now())))
        .orderBy(desc(sessions.lastSeenAt));
      return rows.map(
        (row): UserSessionInfo => ({
          id: row.keyHash.slice(0, 12),
          createdAt: new Date(row.createdAt),
          lastSeenAt: new Date(row.lastSeenAt),
          userAgent: row.userAgent,
          network: row.network,
          current: row.keyHash === current,
        }),
      );
    },
    endOthers: async (userId, keepKey) => (await this.endUserSessions(userId, keepKey)).length,
    endOne: async (userId, id, keepKey) => (await this.endUserSessions(userId, keepKey, id)).length > 0,
  };

  /**
   * Ends the user's live sessions but `keepKey`'s (only the one listed under
   * `id`, when given), in one statement; returns the ended keys' hashes, so a
   * cache in front (cached_db) can drop exactly those.
   */
  async endUserSessions(userId: number, keepKey: string, id?: string): Promise<string[]> {
    const now = Date.now();
    const rows = await this.db
      .update(sessions)
      .set({ endedAt: now, data: "{}", userId: null })
      .where(
        and(
          eq(sessions.userId, userId),
          isNull(sessions.endedAt),
          gt(sessions.expiresAt, now),
          ne(sessions.keyHash, hashKey(keepKey)),
          id === undefined ? undefined : sql`substr(${sessions.keyHash}, 1, 12) = ${id}`,
        ),
      )
      .returning({ keyHash: sessions.keyHash });
    return rows.map((row) => row.keyHash);
  }

  async clearExpired(limit: number): Promise<number> {
    // By rowid: the expiry index yields rowids directly, with no lookup through the key index.
    const result = await this.db.run(
      sql`DELETE FROM sessions WHERE rowid IN (SELECT rowid FROM sessions WHERE ${sessions.expiresAt} <= ${Date.now()} LIMIT ${limit})`,
    );
    return result.rowsAffected;
  }
}

/** Django's `db` engine: sessions in a libSQL database (the `sessions` table of the app's migrations). */
export function libsqlEngine(connection: LibsqlConnection, options: ServerSideEngineOptions): SessionEngine {
  return serverSideEngine(new LibsqlStore(connection, options), options.secrets);
}
