import { SessionValueError } from "../errors";
import { and, desc, eq, gt, isNull, ne, sql, type SQL } from "drizzle-orm";
import type { Database } from "../../db/client";
import { sessions } from "../../db/schema";
import { readKeyCookie, sealKey, type CookieContents } from "../cookie";
import { hashKey } from "../keys";
import { securityEvent } from "../log";
import { jsonPath } from "../validate";
import type { SecretList } from "../secret";
import type { JsonValue, LoadResult, SessionChange, SessionStore, UserSessionInfo, UserSessions, WriteContext, WriteResult } from "../types";

/** The data key whose integer value is copied into the `user_id` column (per-user listing). */
const USER_ID_KEY = "user_id";

/** A whole number binds as INTEGER; a JS number alone binds as REAL in libSQL. */
function numberParam(n: number): number | bigint {
  return Number.isInteger(n) ? BigInt(n) : n;
}

function userIdOf(data: Record<string, JsonValue>): number | null {
  const value = data[USER_ID_KEY];
  return typeof value === "number" && Number.isInteger(value) ? value : null;
}

/** The stored data a write builds on: nothing when expired or corrupt, so old data never comes back. */
function liveData(now: number): SQL {
  return sql`(CASE WHEN ${sessions.expiresAt} > ${now} AND json_valid(${sessions.data}) THEN ${sessions.data} ELSE '{}' END)`;
}

/**
 * The expiry a write leaves: the new one, unless it moved less than a minute
 * (or a tenth of the session's age). Moving it rewrites the expiry index too,
 * which a visit counter would otherwise do on every request; so a session may
 * end up to a minute before Django's would.
 */
function movedExpiry(now: number, expiresAt: number): SQL {
  const slack = Math.min(60_000, Math.floor((expiresAt - now) / 10));
  return sql`CASE WHEN abs(excluded.expires_at - ${sessions.expiresAt}) >= ${slack} OR ${sessions.expiresAt} <= ${now} THEN excluded.expires_at ELSE ${sessions.expiresAt} END`;
}

/**
 * The libSQL engine: one row per session keyed by a hash of the key. Every
 * write is a single statement (or one batch), never an interactive
 * transaction, so SQLITE_BUSY cannot leave a half-open transaction behind.
 */
export class LibsqlStore implements SessionStore {
  readonly writesDuringRender = true;

  constructor(
    private readonly db: Database,
    private readonly secrets: SecretList,
  ) {}

  readCookie(value: string | undefined): Promise<CookieContents | null> {
    return readKeyCookie(value, this.secrets);
  }

  cookieValue(key: string): Promise<string> {
    return sealKey(key, this.secrets);
  }

  async load(key: string): Promise<LoadResult> {
    const [row] = await this.db
      .select({
        data: sessions.data,
        expiresAt: sessions.expiresAt,
        endedAt: sessions.endedAt,
        createdAt: sessions.createdAt,
        updatedAt: sessions.updatedAt,
      })
      .from(sessions)
      .where(eq(sessions.keyHash, hashKey(key)));
    if (!row) return { state: "missing" };
    if (row.endedAt !== null) return { state: "ended" };
    if (row.expiresAt <= Date.now()) return { state: "missing" };
    try {
      const data: unknown = JSON.parse(row.data);
      if (typeof data !== "object" || data === null || Array.isArray(data)) throw new Error("not an object");
      return { state: "live", data: data as Record<string, JsonValue>, createdAt: row.createdAt, refreshedAt: row.updatedAt };
    } catch {
      securityEvent("corrupt session data", { keyHash: hashKey(key).slice(0, 8) });
      return { state: "missing" };
    }
  }

  async save(key: string, change: SessionChange, ctx: WriteContext): Promise<WriteResult> {
    const now = Date.now();
    const keyHash = hashKey(key);
    const live = liveData(now);
    const insertedData = JSON.stringify(change.set);
    let updatedData: SQL;
    if (change.replaceAll) {
      updatedData = sql`${insertedData}`;
    } else {
      const setArgs = Object.entries(change.set).map(([k, v]) => sql`, ${jsonPath(k)}, json(${JSON.stringify(v)})`);
      const removeArgs = change.removed.map((k) => sql`, ${jsonPath(k)}`);
      updatedData = setArgs.length ? sql`json_set(${live}${sql.join(setArgs)})` : live;
      if (removeArgs.length) updatedData = sql`json_remove(${updatedData}${sql.join(removeArgs)})`;
    }
    const touchesUserId = change.replaceAll || USER_ID_KEY in change.set || change.removed.includes(USER_ID_KEY);
    const userId = touchesUserId ? userIdOf(change.set) : undefined;

    const rows = await this.db.all<{ data: string }>(sql`
      INSERT INTO sessions (key_hash, data, expires_at, created_at, updated_at, user_id, user_agent)
      VALUES (${keyHash}, ${insertedData}, ${ctx.expiresAt}, ${now}, ${now}, ${userId ?? null}, ${ctx.userAgent ?? null})
      ON CONFLICT (key_hash) DO UPDATE SET
        data = ${updatedData},
        created_at = CASE WHEN ${sessions.expiresAt} > ${now} THEN ${sessions.createdAt} ELSE ${now} END,
        user_id = ${userId === undefined ? sql`CASE WHEN ${sessions.expiresAt} > ${now} THEN ${sessions.userId} END` : userId},
        user_agent = coalesce(${sessions.userAgent}, excluded.user_agent),
        expires_at = ${movedExpiry(now, ctx.expiresAt)},
        updated_at = excluded.updated_at
      WHERE ${sessions.endedAt} IS NULL
      RETURNING data`);
    if (rows.length === 0) return "interrupted";
    if (rows[0].data !== "{}") return "saved";
    // A session that became empty leaves no row behind.
    await this.db.delete(sessions).where(and(eq(sessions.keyHash, keyHash), eq(sessions.data, "{}"), isNull(sessions.endedAt)));
    return "emptied";
  }

  async increment(key: string, field: string, by: number, ctx: WriteContext): Promise<number | "interrupted"> {
    const now = Date.now();
    const keyHash = hashKey(key);
    const path = jsonPath(field);
    const live = liveData(now);
    const rows = await this.db.all<{ value: number }>(sql`
      INSERT INTO sessions (key_hash, data, expires_at, created_at, updated_at, user_agent)
      VALUES (${keyHash}, json_object(${field}, ${numberParam(by)}), ${ctx.expiresAt}, ${now}, ${now}, ${ctx.userAgent ?? null})
      ON CONFLICT (key_hash) DO UPDATE SET
        data = json_set(${live}, ${path}, coalesce(json_extract(${live}, ${path}), 0) + ${numberParam(by)}),
        created_at = CASE WHEN ${sessions.expiresAt} > ${now} THEN ${sessions.createdAt} ELSE ${now} END,
        expires_at = ${movedExpiry(now, ctx.expiresAt)},
        updated_at = excluded.updated_at
      WHERE ${sessions.endedAt} IS NULL AND coalesce(json_type(${live}, ${path}), 'integer') IN ('integer', 'real')
      RETURNING json_extract(data, ${path}) AS value`);
    if (rows.length > 0) return Number(rows[0].value);
    const [row] = await this.db.select({ endedAt: sessions.endedAt }).from(sessions).where(eq(sessions.keyHash, keyHash));
    if (row && row.endedAt !== null) return "interrupted";
    throw new SessionValueError(`Session value ${JSON.stringify(field)} is not a number and cannot be incremented`);
  }

  async touch(key: string, ctx: WriteContext): Promise<void> {
    await this.db
      .update(sessions)
      .set({ expiresAt: ctx.expiresAt, updatedAt: Date.now() })
      .where(and(eq(sessions.keyHash, hashKey(key)), isNull(sessions.endedAt), gt(sessions.expiresAt, Date.now())));
  }

  async end(key: string): Promise<void> {
    await this.db
      .update(sessions)
      .set({ endedAt: Date.now(), data: "{}", userId: null })
      .where(eq(sessions.keyHash, hashKey(key)));
  }

  async cycle(oldKey: string | null, newKey: string, data: Record<string, JsonValue>, ctx: WriteContext): Promise<void> {
    const now = Date.now();
    const statements = [];
    if (Object.keys(data).length > 0) {
      statements.push(
        this.db.insert(sessions).values({
          keyHash: hashKey(newKey),
          data: JSON.stringify(data),
          expiresAt: ctx.expiresAt,
          createdAt: now,
          updatedAt: now,
          userId: userIdOf(data),
          userAgent: ctx.userAgent ?? null,
        }),
      );
    }
    if (oldKey) {
      statements.push(
        this.db.update(sessions).set({ endedAt: now, data: "{}", userId: null }).where(eq(sessions.keyHash, hashKey(oldKey))),
      );
    }
    if (statements.length === 0) return;
    const [first, ...rest] = statements;
    await this.db.batch([first, ...rest]);
  }

  async exists(key: string): Promise<boolean> {
    return (await this.load(key)).state === "live";
  }

  readonly users: UserSessions = {
    list: async (userId, currentKey) => {
      const current = currentKey ? hashKey(currentKey) : null;
      const rows = await this.db
        .select({ keyHash: sessions.keyHash, createdAt: sessions.createdAt, updatedAt: sessions.updatedAt, userAgent: sessions.userAgent })
        .from(sessions)
        .where(and(eq(sessions.userId, userId), isNull(sessions.endedAt), gt(sessions.expiresAt, Date.now())))
        .orderBy(desc(sessions.updatedAt));
      return rows.map(
        (row): UserSessionInfo => ({
          id: row.keyHash.slice(0, 12),
          createdAt: new Date(row.createdAt),
          lastSeenAt: new Date(row.updatedAt),
          userAgent: row.userAgent,
          current: row.keyHash === current,
        }),
      );
    },
    endOthers: async (userId, keepKey) => {
      const result = await this.db
        .update(sessions)
        .set({ endedAt: Date.now(), data: "{}", userId: null })
        .where(and(eq(sessions.userId, userId), isNull(sessions.endedAt), ne(sessions.keyHash, hashKey(keepKey))));
      return result.rowsAffected;
    },
  };

  async clearExpired(limit: number): Promise<number> {
    // By rowid: the expiry index yields rowids directly, with no lookup through the key index.
    const result = await this.db.run(
      sql`DELETE FROM sessions WHERE rowid IN (SELECT rowid FROM sessions WHERE ${sessions.expiresAt} <= ${Date.now()} LIMIT ${limit})`,
    );
    return result.rowsAffected;
  }
}
