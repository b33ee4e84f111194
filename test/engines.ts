import { cachedDbEngine, cookieEngine, fileEngine, inMemoryDatabase, libsqlEngine, memoryEngine, redisEngine, SECRETS, type EngineFixture } from "./harness";

export interface EngineKind {
  name: string;
  /** Whether data lives server-side (rows that can be looked at, listed and revoked). */
  serverSide: boolean;
  create(): Promise<EngineFixture>;
}

/** Every engine the shared behaviour suite runs against, as Django runs its mixin per backend. */
export const ENGINES: EngineKind[] = [
  { name: "db", serverSide: true, create: () => libsqlEngine() },
  // Statements through the client instead of prepared ones: the path a libSQL server or an embedded replica takes.
  { name: "db (through the client)", serverSide: true, create: () => libsqlEngine(SECRETS, inMemoryDatabase) },
  { name: "cookie", serverSide: false, create: () => cookieEngine() },
  { name: "memory", serverSide: true, create: () => memoryEngine() },
  { name: "file", serverSide: true, create: () => fileEngine() },
  { name: "cache (Redis)", serverSide: true, create: () => redisEngine("standalone") },
  { name: "cache (Redis Cluster)", serverSide: true, create: () => redisEngine("cluster") },
  { name: "cached_db (Redis + libSQL)", serverSide: true, create: () => cachedDbEngine("standalone") },
  { name: "cached_db (Redis Cluster + libSQL)", serverSide: true, create: () => cachedDbEngine("cluster") },
];
