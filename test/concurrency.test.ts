// No lost updates: parallel increments, parallel saves of different keys, saves racing a flush,
// within one process and across processes sharing one database file.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { describe, it } from "node:test";
import { promisify } from "node:util";
import { createClient } from "@libsql/client";
import { openDatabase } from "../lib/db/client";
import { libsqlEngine, tempDatabase, TestBrowser } from "./harness";

const run = promisify(execFile);

describe("concurrency (db engine)", () => {
  it("200 parallel increments lose nothing", async () => {
    const engine = await libsqlEngine();
    const b = new TestBrowser(engine);
    await (await b.request()).increment("n"); // the row and cookie exist
    const results = await Promise.all(Array.from({ length: 200 }, async () => (await b.request()).increment("n")));
    assert.equal(new Set(results).size, 200, "every increment returned its own value");
    assert.equal(await (await b.request()).get("n"), 201);
  });

  it("parallel saves of different keys all persist", async () => {
    const engine = await libsqlEngine();
    const b = new TestBrowser(engine);
    const first = await b.request();
    await first.set("start", true);
    await first.save();
    // Every request loads the same snapshot first, then saves its own key.
    const sessions = await Promise.all(Array.from({ length: 50 }, () => b.request()));
    await Promise.all(sessions.map((s) => s.get("start")));
    await Promise.all(sessions.map(async (s, i) => (await s.set(`k${i}`, i), s.save())));
    const keys = await (await b.request()).keys();
    assert.equal(keys.length, 51);
  });

  it("a save racing a flush does not resurrect the session", async () => {
    const engine = await libsqlEngine();
    for (let round = 0; round < 20; round++) {
      const b = new TestBrowser(engine);
      const login = await b.request();
      await login.set("user_id", 123);
      await login.save();
      const signedIn = b.cookie;
      const racers = await Promise.all(Array.from({ length: 5 }, () => b.request()));
      const flusher = await b.request();
      await Promise.all([
        flusher.flush(),
        ...racers.map(async (s, i) => {
          await s.set(`r${i}`, i);
          await s.save();
        }),
      ]);
      const replay = new TestBrowser(engine);
      replay.cookie = signedIn;
      assert.equal(await (await replay.request()).get("user_id"), undefined, `round ${round}: sign-in came back`);
    }
  });

  it("two processes on one database file: no lost increments or keys, no SQLITE_BUSY", async () => {
    const engine = await libsqlEngine();
    const b = new TestBrowser(engine);
    await (await b.request()).increment("count");
    const url = engine.db!.$client.execute("PRAGMA database_list").then((r) => `file:${r.rows[0].file}`);
    const rounds = 300;
    const workers = await Promise.all(
      ["1", "2"].map(async (id) =>
        run(process.execPath, ["--import", "tsx", "test/concurrency-worker.ts", await url, b.cookie!, id, String(rounds)]),
      ),
    );
    for (const { stdout } of workers) assert.deepEqual(JSON.parse(stdout.trim().split("\n").pop()!), { errors: 0 });
    const s = await b.request();
    assert.equal(await s.get("count"), 1 + 2 * rounds);
    assert.equal((await s.keys()).length, 1 + 2 * rounds);
  });

  it("a write that failed with SQLITE_BUSY does not leave later writes uncommitted", async () => {
    const { url } = await tempDatabase();
    const app = openDatabase(url);
    await app.$client.execute("CREATE TABLE counter (id INTEGER PRIMARY KEY, n INTEGER)");
    await app.$client.execute("INSERT INTO counter VALUES (1, 0)");
    const other = createClient({ url });
    const lock = await other.transaction("write");
    await lock.execute("UPDATE counter SET n = n");
    await assert.rejects(app.$client.execute("UPDATE counter SET n = n + 1"), /SQLITE_BUSY/);
    await lock.rollback();
    await app.$client.execute("UPDATE counter SET n = n + 1");
    const seen = await other.execute("SELECT n FROM counter");
    assert.equal(seen.rows[0].n, 1, "another connection sees the write: it was committed");
    other.close();
  });
});
