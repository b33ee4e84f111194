// cached_db: what the tiered store adds over its parts (the contract and behaviour suites run it
// like every engine). Real libSQL files, a real redis-server; faults staged by cutting the network.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { JsonValue } from "../lib/session";
import { hashKey, LibsqlStore, newSessionKey, type LoadResult, type WriteContext, CachedDbStore, type OpenedRedis, type RecordStore } from "../lib/session/testing";
import { openRedis } from "../lib/session/redis";
import { libsqlConnection } from "../lib/sessions";
import { tempDatabase } from "./harness";
import { startRedis, type RedisProcess } from "./redis-servers";
import { tcpProxy, type TcpProxy } from "./tcp-proxy";

const ctx = (extra: Partial<WriteContext> = {}): WriteContext => ({ expiresAt: Date.now() + 3_600_000, maxBytes: 65_536, ...extra });
const set = (values: Record<string, JsonValue>) => ({ set: values, removed: [], replaceAll: false });
const dataOf = (loaded: LoadResult) => (loaded.state === "live" ? loaded.data : loaded.state);

let redis: RedisProcess;
const opened: OpenedRedis[] = [];
before(async () => {
  redis = await startRedis();
});
after(async () => {
  await Promise.all(opened.map((o) => o.close()));
  await redis.stop();
});

function connect(url: string): OpenedRedis {
  const connection = openRedis({ url }, () => {});
  opened.push(connection);
  return connection;
}

/** A store of record on a fresh file, a cached store over it, and a way to change rows behind both. */
async function tiered(options: { url?: string; ttlMs?: number; record?: (store: LibsqlStore) => RecordStore } = {}) {
  const { db } = await tempDatabase();
  const libsql = new LibsqlStore(libsqlConnection(db));
  const logs: string[] = [];
  const redisConnection = connect(options.url ?? redis.url);
  const prefix = `t-${newSessionKey().slice(0, 8)}:`;
  const store = new CachedDbStore(options.record?.(libsql) ?? libsql, redisConnection.connection, { prefix, ttlMs: options.ttlMs, log: (m) => logs.push(m) });
  const behind = (sql: string, args: (string | number)[] = []) => db.$client.execute({ sql, args });
  const entry = (key: string) => redisConnection.connection.send(`${prefix}${hashKey(key)}`, ["GET", `${prefix}${hashKey(key)}`]) as Promise<string | null>;
  return { store, libsql, db, logs, prefix, behind, entry, redisConnection };
}

describe("cached_db: reads from Redis, writes to libSQL", () => {
  it("a second read comes from the cache (a row changed behind the store is not seen) until a write drops the entry", async () => {
    const { store, behind } = await tiered();
    const key = newSessionKey();
    await store.save(key, set({ n: 1 }), ctx());
    assert.deepEqual(dataOf(await store.load(key)), { n: 1 }); // fills
    await behind(`UPDATE sessions SET data = '{"n":99}' WHERE key_hash = ?`, [hashKey(key)]);
    assert.deepEqual(dataOf(await store.load(key)), { n: 1 }, "served from the cache");
    assert.equal(await store.increment(key, "n", 1, ctx()), 100);
    assert.deepEqual(dataOf(await store.load(key)), { n: 100 }, "the write dropped the entry");
  });

  it("the cache holds hashed keys only; a missing session is not cached", async () => {
    const { store, entry, redisConnection, prefix } = await tiered();
    const key = newSessionKey();
    await store.save(key, set({ secret: "x" }), ctx());
    await store.load(key);
    assert.match((await entry(key))!, /"secret":"x"/);
    const keys = (await redisConnection.connection.send("k", ["KEYS", `${prefix}*`])) as string[];
    assert.deepEqual(keys, [`${prefix}${hashKey(key)}`]);
    for (const k of keys) assert.ok(!k.includes(key));
    const unknown = newSessionKey();
    assert.equal((await store.load(unknown)).state, "missing");
    assert.equal(await entry(unknown), null, "no entry and no lease left behind");
  });

  it("a read that saw the row before a write never caches what it saw (the fill's lease died with the write)", async () => {
    let release!: () => void;
    const paused = new Promise<void>((resolve) => (release = resolve));
    let pauseNext = false;
    const { store, libsql } = await tiered({
      // The record as it is, with a read held after it returned: the window where a write lands.
      record: (libsql) =>
        Object.assign(Object.create(libsql) as RecordStore, {
          load: async (key: string) => {
            const loaded = await libsql.load(key);
            if (pauseNext) {
              pauseNext = false;
              await paused;
            }
            return loaded;
          },
        }),
    });
    const key = newSessionKey();
    await libsql.save(key, set({ v: "old" }), ctx());
    pauseNext = true;
    const slowRead = store.load(key); // takes the lease, reads "old", waits
    await new Promise((r) => setTimeout(r, 50));
    await store.save(key, set({ v: "new" }), ctx()); // record, then the entry (the lease) dropped
    release();
    assert.deepEqual(dataOf(await slowRead), { v: "old" }, "it began before the write");
    assert.deepEqual(dataOf(await store.load(key)), { v: "new" }, "and did not fill the cache with it");
    assert.deepEqual(dataOf(await store.load(key)), { v: "new" });
  });

  it("a flush and signing out other devices take effect at once, though the sessions were cached", async () => {
    const { store } = await tiered();
    const [mine, other, third] = [newSessionKey(), newSessionKey(), newSessionKey()];
    for (const key of [mine, other, third]) {
      await store.save(key, set({ _auth_user_id: 7 }), ctx());
      await store.load(key);
    }
    assert.equal(await store.users.endOthers(7, mine), 2);
    assert.equal((await store.load(other)).state, "ended");
    assert.equal((await store.load(third)).state, "ended");
    await store.end(mine);
    assert.equal((await store.load(mine)).state, "ended");
    assert.equal(await store.save(mine, set({ late: 1 }), ctx()), "interrupted");
  });

  it("a TTL that Redis could not keep (0, a fraction) is refused when the store is built, not found as a fault later", async () => {
    const { libsql, redisConnection } = await tiered();
    for (const ttlMs of [0, 0.5, -1]) assert.throws(() => new CachedDbStore(libsql, redisConnection.connection, { ttlMs }), /ttlMs must be a whole number/);
  });

  it("a device signed out by id is dropped from the cache too", async () => {
    const { store } = await tiered();
    const [mine, other] = [newSessionKey(), newSessionKey()];
    for (const key of [mine, other]) {
      await store.save(key, set({ _auth_user_id: 8 }), ctx());
      await store.load(key);
    }
    assert.equal(await store.users.endOne(8, hashKey(other).slice(0, 12), mine), true);
    assert.equal((await store.load(other)).state, "ended");
    assert.deepEqual(dataOf(await store.load(mine)), { _auth_user_id: 8 });
  });
});

describe("cached_db: Redis faults never fail a request", () => {
  let proxy: TcpProxy;
  before(async () => {
    proxy = await tcpProxy(redis.port);
  });
  after(() => proxy.close());

  it("with Redis cut off, reads and writes are served by libSQL alone, the outage logged once and its end once", async () => {
    const { store, logs } = await tiered({ url: proxy.url });
    const key = newSessionKey();
    await store.save(key, set({ n: 1 }), ctx());
    await store.load(key);
    await proxy.cut();
    try {
      for (let i = 0; i < 5; i++) {
        assert.equal(await store.increment(key, "n", 1, ctx()), 2 + i);
        assert.deepEqual(dataOf(await store.load(key)), { n: 2 + i });
      }
      await store.save(key, set({ m: true }), ctx());
      assert.deepEqual(dataOf(await store.load(key)), { n: 6, m: true });
    } finally {
      await proxy.mend();
    }
    assert.equal(logs.filter((l) => l.includes("cache unavailable")).length, 1, logs.join("\n"));
    const back = Date.now();
    while (Date.now() - back < 10_000 && !logs.some((l) => l.includes("cache available again"))) {
      await store.load(key);
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(logs.filter((l) => l.includes("cache available again")).length, 1, logs.join("\n"));
    assert.deepEqual(dataOf(await store.load(key)), { n: 6, m: true });
  });

  it("an invalidation lost in a partition is replayed before this process reads the cache again", async () => {
    const ttlMs = 30_000; // long enough that only the replay, not the TTL, can end the stale entry here
    const cut = await tiered({ url: proxy.url, ttlMs });
    // A second app process on the same file and Redis, reaching Redis directly (not partitioned).
    const direct = new CachedDbStore(cut.libsql, connect(redis.url).connection, { prefix: cut.prefix, ttlMs, log: () => {}, processWide: false });
    const key = newSessionKey();
    await cut.store.save(key, set({ v: 1 }), ctx());
    assert.deepEqual(dataOf(await cut.store.load(key)), { v: 1 }); // cached, through the proxy
    await proxy.cut();
    try {
      await cut.store.save(key, set({ v: 2 }), ctx()); // reaches libSQL; its invalidation cannot reach Redis
      assert.deepEqual(dataOf(await cut.store.load(key)), { v: 2 }, "this process reads the record meanwhile");
      assert.deepEqual(dataOf(await direct.load(key)), { v: 1 }, "the other process reads the stale entry until the replay (or the TTL)");
    } finally {
      await proxy.mend();
    }
    const back = Date.now();
    while (Date.now() - back < 10_000 && !cut.logs.some((l) => l.includes("cache available again"))) {
      await cut.store.load(key);
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.deepEqual(dataOf(await direct.load(key)), { v: 2 }, "the missed invalidation was replayed");
    assert.deepEqual(dataOf(await cut.store.load(key)), { v: 2 });
  });

  it("an event-loop stall longer than the timeout is not an outage: a reply that came meanwhile is read first", async () => {
    const { store, logs } = await tiered();
    const key = newSessionKey();
    await store.save(key, set({ a: 1 }), ctx());
    const pending = store.load(key); // the cache call goes out…
    setImmediate(() => {
      const until = Date.now() + 800; // …then the process is busy past the 500 ms timeout while Redis answers
      while (Date.now() < until);
    });
    assert.deepEqual(dataOf(await pending), { a: 1 });
    assert.deepEqual(logs, []);
  });

  it("a stale entry another process could read lasts no longer than the TTL", async () => {
    const ttlMs = 800;
    const { store, libsql, prefix } = await tiered({ ttlMs });
    const key = newSessionKey();
    await store.save(key, set({ v: 1 }), ctx());
    await store.load(key);
    await libsql.save(key, set({ v: 2 }), ctx()); // a write whose invalidation never came (as if lost)
    const reader = new CachedDbStore(libsql, connect(redis.url).connection, { prefix, ttlMs, log: () => {}, processWide: false });
    assert.deepEqual(dataOf(await reader.load(key)), { v: 1 });
    await new Promise((r) => setTimeout(r, ttlMs + 100));
    assert.deepEqual(dataOf(await reader.load(key)), { v: 2 });
  });
});
