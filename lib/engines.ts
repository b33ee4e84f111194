// The engines SESSION_ENGINE can name, in one list used by the app (lib/sessions.ts), the unit and
// contract suites (test/engines.ts), the bench and the e2e projects. A new engine is its store's
// file and one entry here; where its data lives comes in through EngineResources.
import { cookieEngine, fileEngine, libsqlEngine, type LibsqlConnection, type SecretList, type SessionEngine } from "@/lib/session";
import { cachedDbEngine, redisEngine, type RedisConnection } from "./session/redis";

/** A Redis connection and how this engine's keys sit on it. */
export interface RedisResource {
  connection: RedisConnection;
  /** Keys' prefix (default the store's own): test fixtures sharing one server each take their own. */
  prefix?: string;
  /** cached_db's cache faults, reported once each (default console.error). */
  log?: (message: string) => void;
  /** cached_db: whether this store shares its cache's health with the process's other copies (default true). */
  processWide?: boolean;
}

/** Where an engine's data lives, opened only when an engine needs it. */
export interface EngineResources {
  libsql?: () => LibsqlConnection;
  redis?: () => RedisResource;
  /** SESSION_FILE_PATH: an existing, writable directory. */
  directory?: () => string;
}

export type EngineNeed = keyof EngineResources;

export interface EngineOptions {
  secrets: SecretList;
  cookieName: string;
  /** SESSION_ANONYMOUS_MAX_SESSIONS (default: no bound). */
  maxAnonymousSessions?: number;
}

export interface EngineDefinition {
  /** SESSION_ENGINE's value. */
  name: string;
  /** Whether data lives server-side (listed and revoked per user) rather than in the cookie. */
  serverSide: boolean;
  /** The resources build() opens. */
  needs: readonly EngineNeed[];
  build(resources: EngineResources, options: EngineOptions): SessionEngine;
}

/** A resource the engine needs, or a clear error when whoever builds it did not provide it. */
function need<K extends EngineNeed>(resources: EngineResources, name: K): ReturnType<NonNullable<EngineResources[K]>> {
  const open = resources[name];
  if (!open) throw new Error(`this engine needs the ${name} resource`);
  return open() as ReturnType<NonNullable<EngineResources[K]>>;
}

export const ENGINES: readonly EngineDefinition[] = [
  {
    name: "db",
    serverSide: true,
    needs: ["libsql"],
    build: (r, o) => libsqlEngine(need(r, "libsql"), o),
  },
  {
    name: "cookie",
    serverSide: false,
    needs: [],
    build: (_r, o) => cookieEngine(o.secrets, o.cookieName),
  },
  {
    name: "cache",
    serverSide: true,
    needs: ["redis"],
    build: (r, o) => {
      const { connection, prefix } = need(r, "redis");
      return redisEngine(connection, { ...o, prefix });
    },
  },
  {
    name: "cached_db",
    serverSide: true,
    needs: ["libsql", "redis"],
    build: (r, o) => {
      const { connection, prefix, log, processWide } = need(r, "redis");
      return cachedDbEngine(need(r, "libsql"), connection, { secrets: o.secrets, maxAnonymousSessions: o.maxAnonymousSessions, prefix, log, processWide });
    },
  },
  {
    name: "file",
    serverSide: true,
    needs: ["directory"],
    build: (r, o) => fileEngine(need(r, "directory"), o),
  },
];

export const ENGINE_NAMES: readonly string[] = ENGINES.map((engine) => engine.name);

export function engineNamed(name: string): EngineDefinition {
  const engine = ENGINES.find((candidate) => candidate.name === name);
  if (!engine) throw new Error(`no engine named ${JSON.stringify(name)} (engines: ${ENGINE_NAMES.join(", ")})`);
  return engine;
}
