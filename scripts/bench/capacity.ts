// Measured per-session costs for a capacity plan (docs/SCALING.md is written from them): Redis
// memory per session on the cache engine and per cached_db entry, and libSQL bytes per row and per
// index entry at a production-like table size, for sessions shaped like the demo's (shapes.ts).
import { newSessionKey, type SessionStore, CachedDbStore, RedisStore } from "../../lib/session/testing";
import { openRedis, type RedisConnection } from "../../lib/session/redis";
import { fmt, note, report } from "./figures";
import { withRedis } from "./redis";
import { inBatches, redisMemory, redisVersion, withConfig, type RedisMemory } from "./redis-memory";
import { NETWORK, SESSIONS_PER_USER, signedInData, USER_AGENT, writeContext } from "./shapes";
import { libsqlFile, type LibsqlFile } from "./store";

export interface CapacityPlan {
  /** Sessions per Redis measurement. */
  sessions: number;
  /** Rows in the libSQL table measured. */
  rows: number;
}

/** One in SIGNED_IN_EVERY filled libSQL rows is a signed-in user's. */
const SIGNED_IN_EVERY = 5;

/** How each kind of session is written, as the app writes it: a /library visit counts; a sign-in moves the data under a new key, replacing it all. */
const SHAPES: Record<string, (store: SessionStore, key: string, i: number) => Promise<unknown>> = {
  "/library visitor": (store, key) => store.increment(key, "num_visits", 1, writeContext()),
  "signed-in": (store, key, i) => store.save(key, { set: signedInData(i), removed: [], replaceAll: true }, writeContext()),
};

const newKeys = (n: number) => Array.from({ length: n }, () => newSessionKey());

/**
 * A hash stays a compact listpack while each value is at most this many bytes (Redis's default
 * 64); a User-Agent is longer, so a meta hash becomes a hashtable. Measured again with it raised.
 */
const LISTPACK_VALUE = { name: "hash-max-listpack-value", raised: "128" };

const total = (m: RedisMemory) => [...m.perSession.values()].reduce((a, b) => a + b, 0);

function reportRedis(name: string, what: string, m: RedisMemory, raised?: RedisMemory): void {
  const setting = `${LISTPACK_VALUE.name} ${LISTPACK_VALUE.raised}`;
  const tuned = raised ? `; with ${setting}: ${fmt(total(raised))} B and ${fmt(raised.usedPerSession)} B` : "";
  report({ name, value: `${fmt(total(m))} B/session by MEMORY USAGE, ${fmt(m.usedPerSession)} B by used_memory${tuned}`, goal: "" });
  const parts = (r: RedisMemory) => [...r.perSession].sort().map(([kind, bytes]) => `${kind} ${fmt(bytes)} B (${r.encodings.get(kind)})`).join(", ");
  const tunedParts = raised ? ` With ${setting}: ${parts(raised)}; used_memory ${fmt(raised.usedPerSession)} B.` : "";
  note(`${name}: ${what}. MEMORY USAGE per session: ${parts(m)}; INFO used_memory grew by ${fmt(m.usedPerSession)} B a session.${tunedParts}`);
}

async function redisFigures(url: string, sessions: number): Promise<void> {
  const redis = openRedis({ url });
  const record = await libsqlFile(0);
  const cache = new RedisStore(redis.connection);
  const cachedDb = new CachedDbStore(record.store, redis.connection);
  const ua = `User-Agent of ${USER_AGENT.length} characters and network ${NETWORK} with every write`;
  try {
    note(
      `capacity-redis: ${fmt(sessions)} sessions per measurement on ${await redisVersion(redis.connection)}, an emptied server each time. MEMORY USAGE counts ` +
        "each key's own allocations; the used_memory growth also counts what no key owns (the keyspace's and expiry table's slots, allocator rounding): plan on the larger.",
    );
    for (const [shape, write] of Object.entries(SHAPES)) {
      const measure = () => {
        const keys = newKeys(sessions);
        return redisMemory(redis.connection, sessions, (i) => write(cache, keys[i], i));
      };
      const m = await measure();
      const raised = await withConfig(redis.connection, LISTPACK_VALUE.name, LISTPACK_VALUE.raised, measure);
      const users = shape === "signed-in" ? `, ${SESSIONS_PER_USER} sessions a user (the user set's share counted)` : "";
      reportRedis(`capacity-redis cache ${shape}`, `cache engine, ${shape} sessions, ${ua}${users}`, m, raised);
    }
    await redisCpu(cache, redis.connection, sessions);
    const ended = newKeys(sessions);
    const tombstones = await redisMemory(redis.connection, sessions, async (i) => {
      await SHAPES["/library visitor"](cache, ended[i], i);
      await cache.end(ended[i]);
    });
    reportRedis("capacity-redis cache tombstone", "cache engine, what a flushed or rotated key leaves until its session would have expired (every sign-in and sign-out leaves one)", tombstones);
    for (const [shape, write] of Object.entries(SHAPES)) {
      const keys = newKeys(sessions);
      // Written to the store of record first (nothing in Redis), then loaded: each load fills an entry.
      const m = await redisMemory(redis.connection, sessions, (i) => cachedDb.load(keys[i]), () => inBatches(sessions, (i) => write(cachedDb, keys[i], i)));
      reportRedis(`capacity-redis cached_db ${shape}`, `cached_db engine, the session-cache entry a load leaves for a ${shape} session (it lives a minute at most: a write drops it)`, m);
    }
  } finally {
    await redis.close();
    await record.close();
  }
}

/** The redis-server process's CPU time so far (user + system), in seconds. */
async function redisCpuSeconds(redis: RedisConnection): Promise<number> {
  const info = String(await redis.send("", ["INFO", "cpu"]));
  const seconds = (field: string) => Number(new RegExp(`^${field}:([\\d.]+)`, "m").exec(info)?.[1]);
  return seconds("used_cpu_user") + seconds("used_cpu_sys");
}

/** Redis's own CPU per script call (INFO commandstats), the visit's two calls: a load and an increment on a live session. */
async function redisCpu(cache: RedisStore, redis: RedisConnection, sessions: number): Promise<void> {
  const keys = newKeys(Math.min(sessions, 1000));
  await inBatches(keys.length, (i) => SHAPES["/library visitor"](cache, keys[i], i));
  await redis.send("", ["CONFIG", "RESETSTAT"]);
  const cpuBefore = await redisCpuSeconds(redis);
  const visits = 20 * keys.length;
  await inBatches(visits, async (i) => {
    await cache.load(keys[i % keys.length]);
    await cache.increment(keys[i % keys.length], "num_visits", 1, writeContext());
  });
  const processPerCall = ((await redisCpuSeconds(redis)) - cpuBefore) * 1e6;
  const stats = String(await redis.send("", ["INFO", "commandstats"]));
  const [, calls, usec] = /^cmdstat_evalsha:calls=(\d+),usec=(\d+)/m.exec(stats) ?? [];
  const perCall = Number(usec) / Number(calls);
  const allIn = processPerCall / Number(calls);
  report({ name: "capacity-redis cpu", value: `${fmt(allIn, 1)} µs of Redis CPU per script call, network included (${fmt(perCall, 1)} µs in the script)`, goal: "" });
  note(
    `capacity-redis cpu: ${fmt(visits)} /library visits (load, then increment) on ${fmt(keys.length)} live sessions, 100 at a time over one connection: ${calls} EVALSHA calls; ` +
      `INFO commandstats ${fmt(perCall, 1)} µs each inside the script, INFO cpu (the redis-server process, user + system) ${fmt(allIn, 1)} µs each with parsing, ` +
      "replies and the socket: one core serves about 1 s ÷ the latter. A /library visit makes one call (the increment); a page that reads the session one (a load), " +
        "plus one per write.",
  );
}

/** Bytes and entries of the sessions table and of each of its indexes (dbstat), or of the whole file where SQLite was built without dbstat. */
async function tableSizes(file: LibsqlFile): Promise<{ name: string; bytes: number; entries: number }[]> {
  const client = file.db.$client;
  try {
    // A table's rows are its leaf cells; every cell of an index b-tree is an entry.
    const result = await client.execute(`SELECT name, SUM(pgsize) AS bytes, SUM(CASE WHEN name != 'sessions' OR pagetype = 'leaf' THEN ncell ELSE 0 END) AS entries
      FROM dbstat WHERE name IN (SELECT name FROM sqlite_schema WHERE tbl_name = 'sessions') GROUP BY name ORDER BY bytes DESC`);
    return result.rows.map((row) => ({ name: String(row.name), bytes: Number(row.bytes), entries: Number(row.entries) }));
  } catch {
    const pragma = async (name: string) => Number((await client.execute(`PRAGMA ${name}`)).rows[0][0]);
    const pages = (await pragma("page_count")) - (await pragma("freelist_count"));
    const rows = Number((await client.execute("SELECT count(*) FROM sessions")).rows[0][0]);
    return [{ name: "the whole file (no dbstat in this SQLite)", bytes: pages * (await pragma("page_size")), entries: rows }];
  }
}

/** What each b-tree is (lib/session/stores/libsql-schema.ts). */
const LABELS: Record<string, string> = {
  sessions: "the table",
  sqlite_autoindex_sessions_1: "the key_hash primary key",
  sessions_expires_at_idx: "expires_at, for the sweep",
  sessions_user_id_idx: "user_id, signed-in rows only",
};

async function libsqlFigures(rows: number): Promise<void> {
  const file = await libsqlFile(rows, { signedInEvery: SIGNED_IN_EVERY, userAgent: USER_AGENT, network: NETWORK });
  try {
    const sizes = await tableSizes(file);
    for (const { name, bytes, entries } of sizes) {
      const what = `${name === "sessions" ? "row" : "entry"} (${LABELS[name] ?? name}, ${fmt(entries)} of them)`;
      report({ name: `capacity-libsql ${name}`, value: `${fmt(bytes / entries)} B per ${what}`, goal: "" });
    }
    const total = sizes.reduce((sum, s) => sum + s.bytes, 0);
    report({ name: "capacity-libsql per session", value: `${fmt(total / rows)} B (the table and every index, ÷ rows)`, goal: "" });
    const parts = sizes.map((s) => `${s.name} ${fmt(s.bytes / 2 ** 20, 1)} MiB`).join(", ");
    note(
      `capacity-libsql: ${fmt(rows)} live rows, one in ${SIGNED_IN_EVERY} signed in (user_id set, the sign-in's keys in its data, ${SESSIONS_PER_USER} rows a user), ` +
        `every row with a User-Agent of ${USER_AGENT.length} characters and a network, as every browser write stores them: ${parts}, ${fmt(total / 2 ** 20, 1)} MiB in all. ` +
        "Freshly inserted pages: a table with churn (updates, sweeps) keeps some pages part-empty, so leave headroom.",
    );
  } finally {
    await file.close();
  }
}

export async function capacityFigures(plan: CapacityPlan): Promise<void> {
  await withRedis("capacity-redis", (redis) => redisFigures(redis.url, plan.sessions));
  await libsqlFigures(plan.rows);
}
