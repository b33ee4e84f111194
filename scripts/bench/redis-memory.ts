// What a set of sessions costs a Redis server, two ways: MEMORY USAGE of every key (its own
// allocations, by what the key is) and the INFO used_memory delta, which also counts what no key
// owns (the keyspace's and the expiry table's slots, allocator rounding).
import type { RedisConnection } from "../../lib/session/redis";

export interface RedisMemory {
  /** (used_memory after − before) ÷ sessions: every byte the sessions added. */
  usedPerSession: number;
  /** MEMORY USAGE summed by kind of key ÷ sessions. */
  perSession: Map<string, number>;
  /** OBJECT ENCODING of one key of each kind (a listpack is compact; a hashtable is not). */
  encodings: Map<string, string>;
}

/** What a key of the stores is, from its name (lib/session/stores/redis.ts and cached-db.ts name them). */
function kindOf(key: string): string {
  if (key.startsWith("session-cache:")) return "cache entry";
  if (key.startsWith("session:user:")) return "user set";
  return key.endsWith(":data") ? "data hash" : "meta hash";
}

/** A server-wide command (no key to route by: this is one standalone server). */
const send = (redis: RedisConnection, ...args: string[]) => redis.send("", args);

async function usedMemory(redis: RedisConnection): Promise<number> {
  const info = String(await send(redis, "INFO", "memory"));
  return Number(/^used_memory:(\d+)/m.exec(info)?.[1]);
}

async function allKeys(redis: RedisConnection): Promise<string[]> {
  const keys: string[] = [];
  let cursor = "0";
  do {
    const [next, batch] = (await send(redis, "SCAN", cursor, "COUNT", "1000")) as [string, string[]];
    keys.push(...batch);
    cursor = next;
  } while (cursor !== "0");
  return keys;
}

/** Runs `write(i)` for i < count, `width` at a time. */
export async function inBatches(count: number, write: (i: number) => Promise<unknown>, width = 100): Promise<void> {
  for (let start = 0; start < count; start += width) {
    await Promise.all(Array.from({ length: Math.min(width, count - start) }, (_, j) => write(start + j)));
  }
}

/**
 * Empties the server (FLUSHALL: it must be this measurement's alone), runs `setup` (writes that
 * leave nothing in Redis, such as a store of record's), then `write` for each of `sessions`,
 * and measures what that left.
 */
export async function redisMemory(redis: RedisConnection, sessions: number, write: (i: number) => Promise<unknown>, setup?: () => Promise<void>): Promise<RedisMemory> {
  await send(redis, "FLUSHALL", "SYNC");
  await setup?.();
  const before = await usedMemory(redis);
  await inBatches(sessions, write);
  const after = await usedMemory(redis);
  const keys = await allKeys(redis);
  const perSession = new Map<string, number>();
  const encodings = new Map<string, string>();
  await inBatches(keys.length, async (i) => {
    const key = keys[i];
    const kind = kindOf(key);
    const bytes = Number(await redis.send(key, ["MEMORY", "USAGE", key, "SAMPLES", "0"]));
    perSession.set(kind, (perSession.get(kind) ?? 0) + bytes / sessions);
    if (!encodings.has(kind)) encodings.set(kind, String(await redis.send(key, ["OBJECT", "ENCODING", key])));
  }, 500);
  return { usedPerSession: (after - before) / sessions, perSession, encodings };
}

/** "Redis 7.0.15, jemalloc-5.3.0": what the figures were measured on. */
export async function redisVersion(redis: RedisConnection): Promise<string> {
  const info = String(await send(redis, "INFO", "server")) + String(await send(redis, "INFO", "memory"));
  const field = (name: string) => new RegExp(`^${name}:(\\S+)`, "m").exec(info)?.[1] ?? "unknown";
  return `Redis ${field("redis_version")}, ${field("mem_allocator")}`;
}

/** Runs `measure` with one server setting changed (CONFIG SET), then puts it back; returns what `measure` returned. */
export async function withConfig<T>(redis: RedisConnection, name: string, value: string, measure: () => Promise<T>): Promise<T> {
  // node-redis answers CONFIG GET with an object, name → value.
  const previous = ((await send(redis, "CONFIG", "GET", name)) as Record<string, string>)[name];
  await send(redis, "CONFIG", "SET", name, value);
  try {
    return await measure();
  } finally {
    await send(redis, "CONFIG", "SET", name, previous);
  }
}
