import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * One row per session, keyed by a hash of the session key (never the key).
 * A row with `ended_at` set is a tombstone: the key was flushed or rotated,
 * and no save may bring it back before the row expires and is swept.
 */
export const sessions = sqliteTable(
  "sessions",
  {
    keyHash: text("key_hash").primaryKey(),
    data: text("data").notNull().default("{}"),
    expiresAt: integer("expires_at").notNull(),
    createdAt: integer("created_at").notNull(),
    lastSeenAt: integer("last_seen_at").notNull(),
    endedAt: integer("ended_at"),
    userId: integer("user_id"),
    userAgent: text("user_agent"),
    /** The network the session was last written from: the client address cut to /24 or /48. */
    network: text("network"),
  },
  (t) => [
    index("sessions_expires_at_idx").on(t.expiresAt),
    index("sessions_user_id_idx").on(t.userId).where(sql`${t.userId} IS NOT NULL`),
  ],
);
