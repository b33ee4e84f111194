import { createClient, type Client } from "@libsql/client";
import { drizzle, type LibSQLDatabase } from "drizzle-orm/libsql";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { settings } from "../session/settings";
import * as schema from "./schema";

export type Database = LibSQLDatabase<typeof schema> & { $client: Client };

/** How long a local write waits for another process's lock before SQLITE_BUSY. */
const BUSY_TIMEOUT_MS = 5000;

export function openDatabase(url: string, authToken?: string): Database {
  const local = url.startsWith("file:");
  if (local) {
    const path = url.slice("file:".length).split("?")[0];
    if (path && path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  }
  const client = createClient({ url, authToken, timeout: BUSY_TIMEOUT_MS, intMode: "number" });
  if (local) {
    // WAL lets readers run beside the writer (the busy timeout above makes writers wait, not
    // fail); with WAL, synchronous=NORMAL skips an fsync per commit and still cannot corrupt.
    void client.execute("PRAGMA journal_mode = WAL").catch(() => {});
    void client.execute("PRAGMA synchronous = NORMAL").catch(() => {});
  }
  return drizzle(client, { schema }) as Database;
}

const globalForDb = globalThis as typeof globalThis & { __sessionDb?: Database };

/** The process's database, opened on first use from DATABASE_URL. */
export function db(): Database {
  globalForDb.__sessionDb ??= openDatabase(settings().databaseUrl, settings().databaseAuthToken);
  return globalForDb.__sessionDb;
}
