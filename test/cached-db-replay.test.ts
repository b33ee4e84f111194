// cached_db's missed invalidations: how they are replayed after a Redis fault. Real libSQL files and
// a real redis-server; the faults are scripted on top of the real connection (a DEL that fails, gets
// no answer, or lands with its reply held back), so each interleaving is deterministic.
import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import type { JsonValue } from "../lib/session";
import { LibsqlStore, newSessionKey, type LoadResult, type WriteContext, CachedDbStore, RedisUnavailableError, type OpenedRedis, type RecordStore } from "../lib/session/testing";
import { openRedis, type RedisConnection } from "../lib/session/redis";
import { libsqlConnection } from "../lib/sessions";
import { tempDatabase } from "./harness";
import { startRedis, type RedisProcess } from "./redis-servers";

const ctx = (): WriteContext => ({ expiresAt: Date.now() + 3_600_000, maxBytes: 65_536 });
const set = (values: Record<string, JsonValue>) => ({ set: values, removed: [], replaceAll: false });
const stateOf = (l: LoadResult) => (l.state === "live" ? JSON.stringify(l.data) : l.state);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let redis: RedisProcess;
const opened: OpenedRedis[] = [];
before(async () => void (redis = await startRedis()));
after(async () => {
  await Promise.all(opened.map((o) => o.close()));
  await redis.stop();
});

function connect(): OpenedRedis {
  const connection = openRedis({ url: redis.url }, () => {});
  opened.push(connection);
  return connection;
}

/** The real connection, failing every command while `down` says so. */
function switchable(inner: RedisConnection, latencyMs = 0) {
  const state = { down: false };
  const connection: RedisConnection = {
    async send(routingKey, args) {
      if (state.down) throw new RedisUnavailableError("Redis is unreachable: injected");
      if (latencyMs) await sleep(latencyMs);
      return inner.send(routingKey, args);
    },
  };
  return { connection, state };
}

/** Fills the table with `count` live sessions of user 5, behind the store (other devices, bots…). */
async function fillUserSessions(db: Awaited<ReturnType<typeof tempDatabase>>["db"], count: number, data = '{"_auth_user_id":5}'): Promise<void> {
  await db.$client.execute({
    sql: `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
          INSERT INTO sessions (key_hash, data, expires_at, created_at, last_seen_at, user_id) SELECT 'filler' || i, ?, ?, 0, 0, 5 FROM n`,
    args: [count, data, Date.now() + 3_600_000],
  });
}

type Fault = "fail" | "timeout" | "hold";
/** The real connection, with scripted faults for DEL commands (a flaky network, made deterministic). */
function faulty(inner: RedisConnection) {
  const plan: Fault[] = [];
  let executed!: () => void;
  const heldExecuted = new Promise<void>((r) => (executed = r));
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const connection: RedisConnection = {
    async send(rk, args) {
      if (args[0] === "DEL" && plan.length) {
        const fault = plan.shift()!;
        if (fault === "fail") throw new RedisUnavailableError("Redis is unreachable: injected");
        if (fault === "timeout") return new Promise(() => {}); // no answer: the 500 ms timeout counts a fault
        const reply = await inner.send(rk, args); // executed on the server...
        executed();
        await gate; // ...its reply late
        return reply;
      }
      return inner.send(rk, args);
    },
  };
  return { connection, plan, heldExecuted, release };
}

it("an invalidation missed again while the replay's DEL of that key is in flight is replayed too: the process that ended a session never reads it live", async () => {
  const { db } = await tempDatabase();
  const libsql = new LibsqlStore(libsqlConnection(db));
  const prefix = `rr-${newSessionKey().slice(0, 8)}:`;
  const [pConn, qConn] = [connect(), connect()];
  const f = faulty(pConn.connection);
  const P = new CachedDbStore(libsql, f.connection, { prefix, log: () => {} }); // this process
  // Another process: same file, same Redis, its reads paused after the record answered.
  let pauseQ = false;
  let qPaused!: () => void;
  const qIsPaused = new Promise<void>((r) => (qPaused = r));
  let releaseQ!: () => void;
  const qGate = new Promise<void>((r) => (releaseQ = r));
  const qRecord = Object.assign(Object.create(libsql) as RecordStore, {
    load: async (key: string) => {
      const loaded = await libsql.load(key);
      if (pauseQ) {
        pauseQ = false;
        qPaused();
        await qGate;
      }
      return loaded;
    },
  });
  const Q = new CachedDbStore(qRecord, qConn.connection, { prefix, log: () => {}, processWide: false });

  const key = newSessionKey();
  await P.save(key, set({ _auth_user_id: 1 }), ctx());
  f.plan.push("fail"); // a blip: this save's invalidation is missed → pending {h}, retry timer every 1 s
  await P.save(key, set({ v: 2 }), ctx());
  f.plan.push("timeout", "hold"); // 1st timer replay: no answer (fault again, 500 ms); 2nd: its DEL lands, reply late
  await f.heldExecuted; // the replay's DEL has run on the server; P still counts the last fault as < 1 s old

  pauseQ = true;
  const qRead = Q.load(key); // Q: READ takes a lease (entry gone), reads the live row, pauses before FILL
  await qIsPaused;

  await P.end(key); // record: ended. The last fault is under 1 s old: no DEL tried, the miss is kept (newer than the one in flight)
  f.release(); // the replay's reply comes: it must not drop end()'s newer miss
  releaseQ(); // Q fills under its lease, if it still stands
  assert.equal(stateOf(await qRead), JSON.stringify({ _auth_user_id: 1, v: 2 }), "Q began before the end: live is fine for it");
  await sleep(1100); // past RETRY_MS: P reads the cache again

  assert.equal((await libsql.load(key)).state, "ended", "the record says ended");
  const seen = stateOf(await P.load(key));
  console.log(`# the process that called end() now loads: ${seen}`);
  assert.equal(seen, "ended", "the process that ended the session must never read it live");
});

it("more missed invalidations than are kept: the process skips the cache at once, not from the retry timer's next tick", async () => {
  const { db } = await tempDatabase();
  const libsql = new LibsqlStore(libsqlConnection(db));
  const prefix = `ov-${newSessionKey().slice(0, 8)}:`;
  const { connection, state } = switchable(connect().connection);
  const P = new CachedDbStore(libsql, connection, { prefix, log: () => {} });

  const [mine, other] = [newSessionKey(), newSessionKey()];
  for (const key of [mine, other]) await P.save(key, set({ _auth_user_id: 5 }), ctx());
  assert.equal((await P.load(other)).state, "live"); // cached
  await fillUserSessions(db, 100_000);

  state.down = true;
  const faultAt = Date.now();
  await P.load(newSessionKey()); // a request meets the outage: failedAt = now
  const ended = await P.users.endOthers(5, mine); // 100,001 invalidations missed: more than are kept
  assert.equal(ended, 100_001);
  state.down = false; // Redis back
  const wait = faultAt + 1050 - Date.now();
  if (wait > 0) await sleep(wait); // past RETRY_MS, before the timer's first tick (1 s after endOthers)

  assert.equal((await libsql.load(other)).state, "ended");
  const seen = stateOf(await P.load(other));
  console.log(`# ${Date.now() - faultAt} ms after the fault, this process loads the signed-out session: ${seen}`);
  assert.equal(seen, "ended", "signed out on this very process, yet read live from the cache");
});

for (const latencyMs of [0, 2]) {
  it(`after an outage with 99,000 missed invalidations, no load waits for their replay (Redis RTT +${latencyMs} ms)`, async () => {
    const { db } = await tempDatabase();
    const libsql = new LibsqlStore(libsqlConnection(db));
    const prefix = `st-${newSessionKey().slice(0, 8)}:`;
    const { connection, state } = switchable(connect().connection, latencyMs);
    const P = new CachedDbStore(libsql, connection, { prefix, log: () => {} });
    const mine = newSessionKey();
    await P.save(mine, set({ _auth_user_id: 5 }), ctx());
    await fillUserSessions(db, 99_000, "{}");
    state.down = true;
    await P.load(newSessionKey()); // the outage is noticed
    await P.users.endOthers(5, mine); // 99,000 invalidations missed (a mass sign-out during the outage)
    await sleep(1100);
    state.down = false;
    // Requests keep coming (one every 20 ms) for 3 s; the slowest one:
    let took = 0;
    for (const end = Date.now() + 3000; Date.now() < end; ) {
      const started = Date.now();
      await P.load(mine);
      took = Math.max(took, Date.now() - started);
      await sleep(20);
    }
    console.log(`# Redis RTT +${latencyMs} ms: the slowest load after the outage took ${took} ms`);
    assert.ok(took < 1500, `a load took ${took} ms after a Redis fault`);
  });
}
