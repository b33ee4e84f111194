// Concurrency across processes, sign-out races, database faults and cache headers,
// each against servers this spec starts itself (real `next start`, real database files).
import { createClient } from "@libsql/client";
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { ENGINES } from "../lib/engines";
import { COOKIE_NAME, DATA_DIR, engineEnv } from "./env";
import { pageText } from "./html";
import { expect, test } from "./fixtures";
import { startRedis, type RedisProcess } from "../test/redis-servers";
import { freePort } from "../test/free-port";
import { pool, rawRequest, sameOriginJson, SCALE, startServer, type TestServer } from "./server";

test.describe.configure({ mode: "serial" });
test.skip(({ engine }) => engine !== "db", "starts its own db-engine servers: runs once, in the db project");
test.setTimeout(300_000);

/** A cookie header of a new session created through `server` with `body`. */
async function newSession(server: TestServer, body: object): Promise<string> {
  const response = await fetch(`${server.baseURL}/api/session`, { method: "PATCH", headers: sameOriginJson(server.baseURL), body: JSON.stringify(body) });
  expect(response.status).toBe(200);
  const cookie = response.headers.getSetCookie().find((c) => c.startsWith(`${COOKIE_NAME}=`));
  return cookie!.split(";")[0];
}

function api(server: TestServer, cookie: string, method: string, route = "/api/session", body?: object) {
  return fetch(`${server.baseURL}${route}`, { method, headers: { cookie, ...sameOriginJson(server.baseURL) }, body: body && JSON.stringify(body) });
}

async function items(server: TestServer, cookie: string): Promise<Record<string, unknown>> {
  return (await (await api(server, cookie, "GET")).json()).items;
}

let redis: RedisProcess;
test.beforeAll(async () => {
  redis = await startRedis();
});
test.afterAll(async () => {
  await redis.stop();
});

/** Where two servers share their sessions, per server-side engine of the registry: one libSQL file, one Redis, one directory. */
const SHARED = ENGINES.filter((engine) => engine.serverSide).map((engine) => ({
  name: `${engine.name} (${engine.needs.join(" + ")})`,
  env: () => engineEnv(engine.name, redis.url, sharedDirectory),
}));
/** The file engine's directory, shared by both servers of a test. */
const sharedDirectory = mkdtempSync(path.join(DATA_DIR, "resilience-"));

for (const shared of SHARED) {
  test(`two servers on ${shared.name}: concurrent increments and set/delete lose nothing`, async () => {
    const first = await startServer({ env: shared.env() });
    const second = await startServer({ dbFile: first.dbFile, env: shared.env() });
    try {
      const cookie = await newSession(first, { set: { start: true } });
      const increments = 10_000 * SCALE;
      const writes = 1_000 * SCALE;
      const servers = [first, second];
      const statuses = await pool(increments + writes, 32, async (i) => {
        const server = servers[i % 2];
        if (i < increments) return (await api(server, cookie, "POST", "/api/session/increment", { key: "count" })).status;
        const j = i - increments;
        // Keys set and then, for the odd ones, deleted again: each request changes its own keys only.
        const response = await api(server, cookie, "PATCH", "/api/session", { set: { [`k${j}`]: j } });
        if (j % 2 === 1) await api(servers[(i + 1) % 2], cookie, "PATCH", "/api/session", { delete: [`k${j}`] });
        return response.status;
      });
      const data = await items(first, cookie);
      const kept = Object.keys(data).filter((k) => k.startsWith("k"));
      console.log(`# two servers on ${shared.name}: ${increments} increments sent, ${data.count} counted; ${writes} keys set, ${kept.length} kept (${writes / 2} expected)`);
      expect(statuses.filter((s) => s !== 200)).toEqual([]);
      expect(data.count).toBe(increments);
      expect(data.start).toBe(true);
      expect(kept.length).toBe(writes / 2);
      expect([...first.logs, ...second.logs].filter((l) => /SQLITE_BUSY|database is locked/.test(l))).toEqual([]);
    } finally {
      await Promise.all([first.stop(), second.stop()]);
    }
  });

  test(`sign-out racing requests of the same session on ${shared.name}: the signed-out session stays dead`, async () => {
    const first = await startServer({ env: shared.env() });
    const second = await startServer({ dbFile: first.dbFile, env: shared.env() });
    try {
      for (let round = 0; round < 10; round++) {
        const cookie = await newSession(first, { set: { user_id: 123, username: "john_doe" } });
        const racers = Array.from({ length: 20 }, (_, i) =>
          i % 2 ? api(second, cookie, "PATCH", "/api/session", { set: { [`cart${i}`]: i } }) : api(first, cookie, "POST", "/api/session/increment", { key: "n" }),
        );
        const [signOut, ...others] = await Promise.all([api(first, cookie, "DELETE"), ...racers]);
        expect(signOut.status).toBe(204);
        expect(others.map((r) => r.status).filter((s) => s !== 200)).toEqual([]);
        expect(await items(second, cookie), `round ${round}`).toEqual({});
      }
    } finally {
      await Promise.all([first.stop(), second.stop()]);
    }
  });
}

test("cache engine, Redis killed: pages and routes answer 503, and recover by themselves when Redis returns", async () => {
  const own = await startRedis();
  const server = await startServer({ env: { SESSION_ENGINE: "cache", REDIS_URL: own.url } });
  try {
    const cookie = await newSession(server, { set: { a: 1 } });
    expect(await items(server, cookie)).toEqual({ a: 1 });
    await own.kill();
    const page = await fetch(`${server.baseURL}/library`, { headers: { cookie } });
    expect(page.status).toBe(503);
    expect(await page.text()).toContain("Session storage is unavailable");
    expect((await api(server, cookie, "PATCH", "/api/session", { set: { b: 2 } })).status).toBe(503);
    await new Promise((r) => setTimeout(r, 2100)); // past the back-off
    expect((await fetch(`${server.baseURL}/`)).status, "a page that needs no storage still answers").toBe(200);
    await own.restart(); // empty: nothing was saved, as after losing a cache
    const back = Date.now();
    let status = 0;
    while (Date.now() - back < 15_000 && (status = (await fetch(`${server.baseURL}/library`, { headers: { cookie } })).status) !== 200) {
      await new Promise((r) => setTimeout(r, 100));
    }
    console.log(`# Redis restarted: /library answered 200 again after ${Date.now() - back} ms`);
    expect(status).toBe(200);
    expect(server.logs.filter((l) => l.includes("[session] storage unavailable")).length, "the outage logged once").toBe(1);
    expect(server.logs.filter((l) => l.includes("[session] storage available again")).length, "and its end once").toBe(1);
  } finally {
    await server.stop();
    await own.stop();
  }
});

test("cached_db engine, Redis killed: every page keeps answering from libSQL, logged once; the cache is used again when Redis returns", async () => {
  const own = await startRedis();
  const server = await startServer({ env: { SESSION_ENGINE: "cached_db", REDIS_URL: own.url } });
  try {
    const cookie = await newSession(server, { set: { a: 1 } });
    expect(await items(server, cookie)).toEqual({ a: 1 });
    await own.kill();
    for (let i = 0; i < 5; i++) {
      const page = await fetch(`${server.baseURL}/library`, { headers: { cookie } });
      expect(page.status, "no 503 for a Redis fault alone").toBe(200);
      expect(pageText(await page.text())).toContain(`You have visited this page ${i + 1} time`);
    }
    expect((await api(server, cookie, "PATCH", "/api/session", { set: { b: 2 } })).status).toBe(200);
    expect(await items(server, cookie)).toMatchObject({ a: 1, b: 2 });
    await own.restart();
    const back = Date.now();
    while (Date.now() - back < 15_000 && !server.logs.some((l) => l.includes("[session] cache available again"))) {
      expect((await fetch(`${server.baseURL}/library`, { headers: { cookie } })).status).toBe(200);
      await new Promise((r) => setTimeout(r, 100));
    }
    // Reads fill the cache again (each bundle of the server once past its pause after a fault).
    while (Date.now() - back < 15_000 && (await own.keyCount()) === 0) {
      expect(await items(server, cookie)).toMatchObject({ a: 1, b: 2 });
      await new Promise((r) => setTimeout(r, 100));
    }
    console.log(`# Redis restarted: the cache was used again after ${Date.now() - back} ms`);
    expect(await own.keyCount(), "entries are cached again").toBeGreaterThan(0);
    expect(server.logs.filter((l) => l.includes("[session] cache unavailable")).length, "the outage logged once").toBe(1);
    expect(server.logs.filter((l) => l.includes("[session] cache available again")).length, "and its end once").toBe(1);
    expect(server.logs.filter((l) => l.includes("[session] storage unavailable")), "never counted as a storage outage").toEqual([]);
  } finally {
    await server.stop();
    await own.stop();
  }
});

test("database locked past the busy timeout: 503 page, nothing half-written, recovers by itself", async () => {
  const server = await startServer();
  const locker = createClient({ url: `file:${server.dbFile}` });
  try {
    const cookie = await newSession(server, { set: { user_id: 7 } });
    const visit = () => rawRequest(`${server.baseURL}/library`, { headers: { cookie } });
    const count = (body: string) => Number(body.replaceAll("<!-- -->", "").match(/visited this page (\d+)/)?.[1]);
    expect(count((await visit()).body)).toBe(1);

    const lock = await locker.transaction("write"); // holds the write lock: BEGIN IMMEDIATE
    await lock.execute("UPDATE sessions SET last_seen_at = last_seen_at");
    const during = await fetch(`${server.baseURL}/library`, { headers: { cookie } }); // waits out the 5 s busy timeout
    expect(during.status).toBe(503);
    expect(await during.text()).toContain("Session storage is unavailable");
    const apiDuring = await api(server, cookie, "PATCH", "/api/session", { set: { x: 1 } });
    expect([503]).toContain(apiDuring.status);
    const released = Date.now();
    await lock.rollback();

    let recoveredAfter = -1;
    for (let i = 0; i < 100; i++) {
      const response = await visit();
      if (response.status === 200) {
        recoveredAfter = Date.now() - released;
        expect(count(response.body)).toBe(2); // the failed visits counted nothing
        break;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    console.log(`# lock fault: 503 while locked, recovered ${recoveredAfter} ms after release`);
    expect(recoveredAfter).toBeGreaterThanOrEqual(0);
    expect(await items(server, cookie)).toEqual({ user_id: 7, num_visits: 2 });
  } finally {
    locker.close();
    await server.stop();
  }
});

test("database file not a database (replaced), then restored: 503, then recovers by itself", async () => {
  const good = await startServer();
  const goodFile = good.dbFile;
  await good.stop();
  const dir = mkdtempSync(path.join(DATA_DIR, "replaced-"));
  const dbFile = path.join(dir, "sessions.db");
  writeFileSync(dbFile, "this is not a database ".repeat(200));
  const server = await startServer({ dbFile });
  try {
    const during = await fetch(`${server.baseURL}/library`);
    expect(during.status).toBe(503);
    expect(await during.text()).toContain("Session storage is unavailable");
    rmSync(dbFile);
    copyFileSync(goodFile, dbFile);
    const restored = Date.now();
    let recoveredAfter = -1;
    for (let i = 0; i < 100; i++) {
      if ((await fetch(`${server.baseURL}/library`)).status === 200) {
        recoveredAfter = Date.now() - restored;
        break;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    console.log(`# replaced file: 503 while broken, recovered ${recoveredAfter} ms after the file was restored`);
    expect(recoveredAfter).toBeGreaterThanOrEqual(0);
  } finally {
    await server.stop();
  }
});

test("a libSQL server that refuses connections: 503, and the server keeps serving pages that need no storage", async () => {
  const closedPort = await freePort();
  const server = await startServer({ env: { DATABASE_URL: `http://127.0.0.1:${closedPort}` } });
  try {
    const page = await fetch(`${server.baseURL}/library`);
    expect(page.status).toBe(503);
    expect(await page.text()).toContain("Session storage is unavailable");
    const json = await fetch(`${server.baseURL}/api/session`, { method: "PATCH", headers: sameOriginJson(server.baseURL), body: JSON.stringify({ set: { a: 1 } }) });
    expect(json.status).toBe(503);
    await new Promise((r) => setTimeout(r, 2100)); // past the back-off
    expect((await fetch(`${server.baseURL}/`)).status).toBe(200);
  } finally {
    await server.stop();
  }
});

test("session pages are private: Cache-Control private, no-store and Vary: Cookie", async () => {
  const server = await startServer();
  try {
    for (const route of ["/", "/library", "/greeting", "/getsession"]) {
      const response = await fetch(`${server.baseURL}${route}`);
      expect(response.headers.get("cache-control"), route).toContain("private");
      expect(response.headers.get("cache-control"), route).toContain("no-store");
      expect(response.headers.get("vary")?.toLowerCase(), route).toContain("cookie");
    }
  } finally {
    await server.stop();
  }
});
