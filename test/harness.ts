// Test harness: real libSQL database files in a temp folder, and a "browser"
// that keeps the session cookie between requests the way a real one does.
import { libsqlConnection } from "../lib/sessions";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { openDatabase, type Database } from "../lib/db/client";
import { prepareDatabase } from "../lib/db/prepare";
import { randomBytes } from "node:crypto";
import { openRedis, type RedisConnection } from "../lib/session/redis";
import { type RedisTarget, type SessionOptions, type SessionTransport, MemoryStore, serverSideEngine, type SessionStore } from "../lib/session/testing";
import { engineNamed, type EngineDefinition, type EngineOptions, type EngineResources } from "../lib/engines";
import { startRedis, startRedisCluster, type RedisCluster, type RedisProcess } from "./redis-servers";
import { Session, type SecretList, readSettings, type SessionEngine } from "../lib/session";

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

/** A fresh directory, removed when the test process exits. */
export function tempDirectory(prefix = "sessions-test-"): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

/** A fresh, migrated libSQL database file. */
export async function tempDatabase(): Promise<{ db: Database; url: string }> {
  return migratedDatabase(`file:${path.join(tempDirectory(), "sessions.db")}`);
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
  /** The directory the file engine keeps its sessions in. */
  directory?: string;
  /** Empties a cache in front of the rows (cached_db), after a test changed rows behind the store. */
  forget?(): Promise<void>;
  /** The store's server expires entries by itself (Redis). */
  expiresByItself?: boolean;
  close?(): unknown;
}

/** Where a fixture's resources live: a libSQL file or an in-memory database (statements through the client), a standalone Redis or a cluster. */
export interface Topology {
  libsql?: typeof tempDatabase;
  redis?: "standalone" | "cluster";
}

/**
 * An engine of the registry (lib/engines.ts) on fresh resources of its own: a migrated libSQL
 * database, a key prefix on a real redis-server started once per test process, a temp directory.
 */
export async function engineFixture(definition: EngineDefinition, topology: Topology = {}, secrets: SecretList = SECRETS, options: Partial<EngineOptions> = {}): Promise<EngineFixture> {
  const needs = new Set(definition.needs);
  const db = needs.has("libsql") ? (await (topology.libsql ?? tempDatabase)()).db : undefined;
  const redis = needs.has("redis") ? await testRedis(topology.redis ?? "standalone") : undefined;
  const directory = needs.has("directory") ? tempDirectory("sessions-files-") : undefined;
  const resources: EngineResources = {
    libsql: db && (() => libsqlConnection(db)),
    redis: redis && (() => ({ connection: redis.opened.connection, prefix: redis.prefix })),
    directory: directory === undefined ? undefined : () => directory,
  };
  const engine = definition.build(resources, { secrets, cookieName: COOKIE_NAME, ...options });
  return {
    name: definition.name,
    engine,
    store: () => engine.open().store,
    serverSide: definition.serverSide,
    db,
    directory,
    // Only a key with a row can have an entry (a missing session is never cached).
    forget: db && redis && (() => forgetCached(db, redis.opened.connection, redis.prefix)),
    expiresByItself: Boolean(redis) && !db,
    close: async () => {
      db?.$client.close();
      await redis?.opened.close();
    },
  };
}

/** Empties cached_db's cache of the sessions the database holds, after a test changed rows behind the store. */
async function forgetCached(db: Database, connection: RedisConnection, prefix: string): Promise<void> {
  const rows = await db.$client.execute("SELECT key_hash FROM sessions");
  await Promise.all(rows.rows.map(({ key_hash }) => connection.send(`${prefix}${key_hash}`, ["DEL", `${prefix}${key_hash}`])));
}

export const libsqlEngine = (secrets: SecretList = SECRETS, libsql = tempDatabase) => engineFixture(engineNamed("db"), { libsql }, secrets);
export const cookieEngine = (secrets: SecretList = SECRETS) => engineFixture(engineNamed("cookie"), {}, secrets);
export const fileEngine = (secrets: SecretList = SECRETS) => engineFixture(engineNamed("file"), {}, secrets);

let redisServers: { standalone?: Promise<RedisProcess>; cluster?: Promise<RedisCluster> } = {};
const redisConnections: { close(): Promise<void> }[] = [];

/** A real redis-server (standalone or a three-master cluster), started once per test process. */
export async function redisTarget(topology: "standalone" | "cluster"): Promise<RedisTarget> {
  return topology === "cluster"
    ? { clusterNodes: (await (redisServers.cluster ??= startRedisCluster())).addresses }
    : { url: (await (redisServers.standalone ??= startRedis())).url };
}

/** A connection to that server (closed by stopRedisServers) and a key prefix of the fixture's own. */
export async function testRedis(topology: "standalone" | "cluster") {
  const opened = openRedis(await redisTarget(topology), () => {});
  redisConnections.push(opened);
  return { opened, prefix: `test-${randomBytes(6).toString("hex")}:` };
}

/** Closes what the fixtures opened on Redis and stops its servers (an after() hook of a file that used them). */
export async function stopRedisServers(): Promise<void> {
  await Promise.all(redisConnections.splice(0).map((c) => c.close()));
  const { standalone, cluster } = redisServers;
  redisServers = {};
  await Promise.all([standalone?.then((s) => s.stop()), cluster?.then((c) => c.stop())]);
}

/** Django's base backend's test store: not an app engine, a fixture for the shared suites. */
export async function memoryEngine(secrets: SecretList = SECRETS): Promise<EngineFixture> {
  const engine = serverSideEngine(new MemoryStore(), secrets);
  return { name: "memory", engine, store: () => engine.open().store, serverSide: true };
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
