// Test harness: real libSQL database files in a temp folder, and a "browser"
// that keeps the session cookie between requests the way a real one does.
import { libsqlConnection } from "../lib/sessions";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { openDatabase, type Database } from "../lib/db/client";
import { prepareDatabase } from "../lib/db/prepare";
import { randomBytes } from "node:crypto";
import { CachedDbStore, openRedis, RedisStore, type RedisTarget } from "../lib/session/redis";
import { startRedis, startRedisCluster, type RedisCluster, type RedisProcess } from "./redis-servers";
import { Session, type SessionOptions, type SessionTransport, type SecretList, cookieEngine as cookieSessionEngine, readSettings, FileStore, LibsqlStore, MemoryStore, serverSideEngine, type SessionEngine, type SessionStore } from "../lib/session";

export const SECRETS: SecretList = ["test-secret-0123456789-abcdefghijklmnop"];

/** The cookie name the cookie engine sizes its cookie with: the setting's, as the app reads it. */
export const COOKIE_NAME = readSettings(process.env, [process.env.SESSION_ENGINE || "db"]).cookieName;

export const DEFAULT_OPTIONS: SessionOptions = {
  cookieAge: 1_209_600,
  expireAtBrowserClose: false,
  saveEveryRequest: false,
  maxBytes: 65_536,
};

const tempDirs: string[] = [];
process.on("exit", () => tempDirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** A fresh, migrated libSQL database file. */
export async function tempDatabase(): Promise<{ db: Database; url: string }> {
  const dir = mkdtempSync(path.join(tmpdir(), "sessions-test-"));
  tempDirs.push(dir);
  return migratedDatabase(`file:${path.join(dir, "sessions.db")}`);
}

/** A migrated in-memory database: its statements run through @libsql/client, as over a libSQL server. */
export function inMemoryDatabase(): Promise<{ db: Database; url: string }> {
  return migratedDatabase(":memory:");
}

async function migratedDatabase(url: string): Promise<{ db: Database; url: string }> {
  const db = openDatabase(url);
  await prepareDatabase(db);
  return { db, url };
}

/** One storage engine under test: how to make its store, and what it can do. */
export interface EngineFixture {
  name: string;
  /** A store for one request (the cookie engine keeps per-request state). */
  store(): SessionStore;
  /** The store and its cookie codec, as one request opens them. */
  engine: SessionEngine;
  /** Whether data lives server-side, so rows can be looked at and revoked. */
  serverSide: boolean;
  db?: Database;
  /** Empties a cache in front of the rows (cached_db), after a test changed rows behind the store. */
  forget?(): Promise<void>;
  /** The store's server expires entries by itself (Redis). */
  expiresByItself?: boolean;
  close?(): unknown;
}

export async function libsqlEngine(secrets: SecretList = SECRETS, open = tempDatabase): Promise<EngineFixture> {
  const { db } = await open();
  const engine = serverSideEngine(new LibsqlStore(libsqlConnection(db)), secrets);
  return { name: "db (libSQL)", engine, store: () => engine.open().store, serverSide: true, db };
}

let redisServers: { standalone?: Promise<RedisProcess>; cluster?: Promise<RedisCluster> } = {};
const redisConnections: { close(): Promise<void> }[] = [];

/** A real redis-server (standalone or a three-master cluster), started once per test process. */
async function redisTarget(topology: "standalone" | "cluster"): Promise<RedisTarget> {
  return topology === "cluster"
    ? { clusterNodes: (await (redisServers.cluster ??= startRedisCluster())).addresses }
    : { url: (await (redisServers.standalone ??= startRedis())).url };
}

/** A connection to that server (closed by stopRedisServers) and a key prefix of the fixture's own. */
async function testRedis(topology: "standalone" | "cluster") {
  const opened = openRedis(await redisTarget(topology), () => {});
  redisConnections.push(opened);
  return { opened, prefix: `test-${randomBytes(6).toString("hex")}:` };
}

/**
 * The Redis store on a real redis-server (standalone or a three-master cluster), started once per
 * test process; each fixture writes under a prefix of its own.
 */
export async function redisEngine(topology: "standalone" | "cluster", secrets: SecretList = SECRETS): Promise<EngineFixture> {
  const { opened, prefix } = await testRedis(topology);
  const engine = serverSideEngine(new RedisStore(opened.connection, { prefix }), secrets);
  return { name: `cache (Redis ${topology})`, engine, store: () => engine.open().store, serverSide: true, expiresByItself: true, close: opened.close };
}

/**
 * Django's `cached_db` on real servers: a libSQL file of record with a Redis (standalone or cluster)
 * cache in front. `forget()` empties this fixture's cache, for a test that changed rows behind the store.
 */
export async function cachedDbEngine(topology: "standalone" | "cluster", secrets: SecretList = SECRETS): Promise<EngineFixture> {
  const { db } = await tempDatabase();
  const { opened, prefix } = await testRedis(topology);
  const cached = new CachedDbStore(new LibsqlStore(libsqlConnection(db)), opened.connection, { prefix });
  const engine = serverSideEngine(cached, secrets);
  // Only a key with a row can have an entry (a missing session is never cached).
  const forget = async () => {
    const rows = await db.$client.execute("SELECT key_hash FROM sessions");
    await Promise.all(rows.rows.map(({ key_hash }) => opened.connection.send(`${prefix}${key_hash}`, ["DEL", `${prefix}${key_hash}`])));
  };
  return { name: `cached_db (Redis ${topology} + libSQL)`, engine, store: () => engine.open().store, serverSide: true, db, forget, close: opened.close };
}

/** Closes what redisEngine opened and stops its servers (an after() hook of a file that used them). */
export async function stopRedisServers(): Promise<void> {
  await Promise.all(redisConnections.splice(0).map((c) => c.close()));
  const { standalone, cluster } = redisServers;
  redisServers = {};
  await Promise.all([standalone?.then((s) => s.stop()), cluster?.then((c) => c.stop())]);
}

/** A fresh temp directory, removed when the test process exits. */
export function tempDirectory(prefix = "sessions-test-"): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

/** Django's file engine on a fresh temp directory. */
export async function fileEngine(secrets: SecretList = SECRETS): Promise<EngineFixture & { dir: string }> {
  const dir = tempDirectory("sessions-file-");
  const engine = serverSideEngine(new FileStore(dir), secrets);
  return { name: "file", engine, store: () => engine.open().store, serverSide: true, dir };
}

export async function memoryEngine(secrets: SecretList = SECRETS): Promise<EngineFixture> {
  const engine = serverSideEngine(new MemoryStore(), secrets);
  return { name: "memory", engine, store: () => engine.open().store, serverSide: true };
}

export async function cookieEngine(secrets: SecretList = SECRETS): Promise<EngineFixture> {
  const engine = cookieSessionEngine(secrets, COOKIE_NAME);
  return { name: "cookie", engine, store: () => engine.open().store, serverSide: false };
}

export interface RequestOptions {
  writable?: boolean;
  options?: Partial<SessionOptions>;
  userAgent?: string;
}

/** A browser's cookie jar for one site; each `request()` is a new request's session. */
export class TestBrowser {
  cookie: string | undefined;
  cookieMaxAge: number | null | undefined;
  cookiesSent = 0;
  cookiesDeleted = 0;

  constructor(private readonly engine: EngineFixture) {}

  async request(opts: RequestOptions = {}): Promise<Session> {
    const { store, cookie } = this.engine.engine.open();
    const incoming = this.cookie;
    const transport: SessionTransport = {
      incomingKey: (await cookie.read(incoming))?.key ?? null,
      hadCookie: incoming !== undefined,
      writable: opts.writable ?? true,
      userAgent: opts.userAgent,
      sendKey: async (key, maxAge) => {
        this.cookie = await cookie.write(key);
        this.cookieMaxAge = maxAge;
        this.cookiesSent++;
      },
      deleteCookie: async () => {
        this.cookie = undefined;
        this.cookiesDeleted++;
      },
    };
    return new Session(store, { ...DEFAULT_OPTIONS, ...opts.options }, transport);
  }
}

export async function rowCount(db: Database): Promise<number> {
  const result = await db.$client.execute("SELECT count(*) AS n FROM sessions WHERE ended_at IS NULL");
  return Number(result.rows[0].n);
}
