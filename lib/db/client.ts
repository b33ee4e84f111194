import { createClient, type Client, type Config } from "@libsql/client";
import { drizzle, type LibSQLDatabase } from "drizzle-orm/libsql";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { startCheckpoints } from "./checkpoint";
import { LocalConnection } from "./local-connection";
import * as schema from "./schema";
import { readDatabaseSettings } from "./database-settings";

/** A plain local database file, for the statements that run on it directly (the app's prepared reads, the session store's). */
export interface LocalDatabase {
  file: string;
  /** The process's direct connection to it (opened as the client's is), shared by those statements. */
  shared: LocalConnection;
}

/** Drizzle over the client; `$local` when the database is a plain local file. */
export type Database = LibSQLDatabase<typeof schema> & { $client: Client; $local?: LocalDatabase };

/** How long a local write waits for another process's lock before SQLITE_BUSY. */
const BUSY_TIMEOUT_MS = 5000;

/** Client calls that run statements. */
const STATEMENT_METHODS = new Set<PropertyKey>(["execute", "batch", "executeMultiple", "migrate"]);

export interface DatabaseLocation {
  url: string;
  authToken?: string;
  /** With a file: url, that file becomes an embedded replica of this libSQL primary. */
  syncUrl?: string;
  syncIntervalSeconds?: number;
}

/** The @libsql/client options for a location, through the client's own settings only. */
export function clientConfig(location: DatabaseLocation): Config {
  const { url, authToken, syncUrl, syncIntervalSeconds } = location;
  if (!url.startsWith("file:")) return { url, authToken };
  // One connection per process: local statements run synchronously anyway, and
  // per-connection settings (synchronous=NORMAL) then hold for every statement.
  const local: Config = { url, timeout: BUSY_TIMEOUT_MS, intMode: "number", concurrency: 1 };
  if (!syncUrl) return local;
  return { ...local, syncUrl, authToken, ...(syncIntervalSeconds ? { syncInterval: syncIntervalSeconds } : {}) };
}

/**
 * After a failed statement (SQLITE_BUSY above all) libSQL's local connection
 * can be left inside a transaction that never commits: every later "successful"
 * write of this process would be lost. ROLLBACK does not clear it; reopening
 * the connection does. So any failure on a local file reopens it (cheap, and
 * failures are rare), which also picks up a database file that was replaced.
 */
function reopenAfterFailure(client: Client, configure: () => Promise<void>): Client {
  return new Proxy(client, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== "function") return value;
      if (!STATEMENT_METHODS.has(property)) return value.bind(target);
      const run = async (args: unknown[], retried: boolean): Promise<unknown> => {
        try {
          return await value.apply(target, args);
        } catch (error) {
          // Another call's reopen closed the connection under this one: run it once more.
          if (!retried && (error as { code?: unknown }).code === "CLIENT_CLOSED") return run(args, true);
          target.reconnect();
          await configure().catch(() => {});
          throw error;
        }
      };
      return (...args: unknown[]) => run(args, false);
    },
  });
}

/**
 * Every connection to a local file: WAL lets readers run beside the writer (the busy
 * timeout makes writers wait, not fail); with WAL, synchronous=NORMAL skips an fsync
 * per commit and still cannot corrupt.
 */
const LOCAL_PRAGMAS = ["PRAGMA journal_mode = WAL", "PRAGMA synchronous = NORMAL", `PRAGMA journal_size_limit = ${64 * 1024 * 1024}`];

export function openDatabase(location: DatabaseLocation | string): Database {
  const config = clientConfig(typeof location === "string" ? { url: location } : location);
  if (!config.url.startsWith("file:")) {
    const client = createClient(config);
    return Object.assign(drizzle(client, { schema }), { $client: client });
  }

  const path = config.url.slice("file:".length).split("?")[0];
  // An embedded replica's journal and writes are the client's business (writes go to the
  // primary); :memory: is one database per connection. Anything else is a plain local file.
  const file = path && path !== ":memory:" && !config.syncUrl ? path : undefined;
  if (file) mkdirSync(dirname(file), { recursive: true });
  const pragmas = file ? LOCAL_PRAGMAS : [];
  const client = createClient(config);
  const configure = async () => {
    for (const pragma of pragmas) await client.execute(pragma);
  };
  void configure().catch(() => {});
  const guarded = reopenAfterFailure(client, configure);
  if (file) startCheckpoints(guarded);
  const $local: LocalDatabase | undefined = file
    ? { file, shared: new LocalConnection(file, BUSY_TIMEOUT_MS, pragmas) }
    : undefined;
  return Object.assign(drizzle(guarded, { schema }), { $client: guarded, ...($local ? { $local } : {}) });
}

const globalForDb = globalThis as typeof globalThis & { __appDb?: Database };

/**
 * The process's database, opened on first use from DATABASE_URL (and
 * DATABASE_SYNC_URL). On globalThis: Next loads the proxy and the pages as
 * separate bundles in one process, and they share one connection.
 */
export function db(): Database {
  globalForDb.__appDb ??= openDatabase(readDatabaseSettings());
  return globalForDb.__appDb;
}
