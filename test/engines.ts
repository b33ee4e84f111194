import { ENGINES as REGISTRY, type EngineDefinition, type EngineOptions } from "../lib/engines";
import { engineFixture, inMemoryDatabase, memoryEngine, type EngineFixture, type Topology } from "./harness";

export interface EngineKind {
  name: string;
  /** Whether data lives server-side (rows that can be looked at, listed and revoked). */
  serverSide: boolean;
  /** A fixture on fresh resources; `options` as the app passes them (SESSION_ANONYMOUS_MAX_SESSIONS). */
  create(options?: Partial<EngineOptions>): Promise<EngineFixture>;
}

/**
 * The topologies an engine runs on: Redis standalone and as a cluster; a libSQL-only engine also
 * with its statements through the client instead of prepared ones (a libSQL server's or an
 * embedded replica's path).
 */
function topologies({ needs }: EngineDefinition): [string, Topology][] {
  if (needs.includes("redis")) return [["Redis", { redis: "standalone" }], ["Redis Cluster", { redis: "cluster" }]];
  if (needs.length === 1 && needs[0] === "libsql") return [["", {}], ["through the client", { libsql: inMemoryDatabase }]];
  return [["", {}]];
}

/** Every engine of the registry on each of its topologies, and the memory store: what the shared suites run against, as Django runs its mixin per backend. */
export const ENGINES: EngineKind[] = [
  ...REGISTRY.flatMap((definition) =>
    topologies(definition).map(([label, topology]) => ({
      name: label ? `${definition.name} (${label})` : definition.name,
      serverSide: definition.serverSide,
      create: (options?: Partial<EngineOptions>) => engineFixture(definition, topology, undefined, options),
    })),
  ),
  { name: "memory", serverSide: true, create: () => memoryEngine() },
];
