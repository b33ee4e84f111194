/**
 * The database's own settings, read from the environment once. A bad value
 * stops start-up with a message naming the variable.
 */
export interface DatabaseSettings {
  /** `file:` (embedded libSQL), `libsql://`, `http(s)://` or `ws(s)://` for a libSQL server. */
  url: string;
  authToken: string | undefined;
  /** A libSQL primary to replicate from: `url` (a file) becomes its embedded replica. */
  syncUrl: string | undefined;
  /** Seconds between background syncs of an embedded replica; 0 = only as the client does. */
  syncIntervalSeconds: number;
}

export class DatabaseConfigurationError extends Error {
  override name = "DatabaseConfigurationError";
}

type Env = Record<string, string | undefined>;

const present = (value: string | undefined) => (value === undefined || value === "" ? undefined : value);

export function readDatabaseSettings(env: Env = process.env): DatabaseSettings {
  const url = present(env.DATABASE_URL) ?? "file:data/sessions.db";
  const interval = present(env.DATABASE_SYNC_INTERVAL) ?? "60";
  if (!/^\d+$/.test(interval) || !Number.isSafeInteger(Number(interval))) {
    throw new DatabaseConfigurationError(`DATABASE_SYNC_INTERVAL must be a whole number of seconds (0 or more), got ${JSON.stringify(interval)}`);
  }
  const settings: DatabaseSettings = {
    url,
    authToken: present(env.DATABASE_AUTH_TOKEN),
    syncUrl: present(env.DATABASE_SYNC_URL),
    syncIntervalSeconds: Number(interval),
  };
  if (!/^(file:|libsql:|https?:|wss?:)/.test(url)) {
    throw new DatabaseConfigurationError(`DATABASE_URL must be file:, libsql://, http(s):// or ws(s)://, got ${JSON.stringify(url)}`);
  }
  if (settings.syncUrl && !url.startsWith("file:")) {
    throw new DatabaseConfigurationError("DATABASE_SYNC_URL needs DATABASE_URL to be a local file: (the embedded replica)");
  }
  return settings;
}
