// Expiry hygiene: absolute lifetime, idle refresh, the background sweep.
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { clearExpiredSessions, hashKey, startExpirySweep, SWEEP_BATCH } from "../lib/session/testing";
import { ENGINES } from "./engines";
import { libsqlEngine, TestBrowser, stopRedisServers } from "./harness";

after(stopRedisServers);

for (const kind of ENGINES) {
  describe(`expiry hygiene: ${kind.name} engine`, () => {
    it("SESSION_ABSOLUTE_AGE ends a session however active, and its data never comes back", async () => {
      const b = new TestBrowser(await kind.create());
      const options = { absoluteAge: 1 };
      const s = await b.request({ options });
      await s.set("user_id", 123);
      await s.save();
      assert.equal(await (await b.request({ options })).get("user_id"), 123);
      await sleep(1100);
      const late = await b.request({ options });
      assert.equal(await late.get("user_id"), undefined);
      await late.set("cart", 1);
      await late.save();
      assert.deepEqual(await (await b.request({ options })).items(), [["cart", 1]]);
    });

    it("refresh pushes the expiry forward and re-sends the cookie, without touching the data", async () => {
      const b = new TestBrowser(await kind.create());
      const s = await b.request({ options: { cookieAge: 60 } });
      await s.set("x", 1);
      await s.save();
      const sent = b.cookiesSent;
      await sleep(1100);
      const next = await b.request({ options: { cookieAge: 60 } });
      await next.refresh();
      assert.equal(b.cookiesSent, sent + 1);
      assert.equal(b.cookieMaxAge, 60);
      assert.deepEqual(await (await b.request()).items(), [["x", 1]]);
    });
  });
}

describe("expiry hygiene: db engine rows", () => {
  it("refresh writes the row's expiry and last-seen time, and creates no row for an empty session", async () => {
    const engine = await libsqlEngine();
    const b = new TestBrowser(engine);
    const s = await b.request();
    await s.set("x", 1);
    await s.save();
    const keyHash = hashKey(s.sessionKey!);
    await engine.db!.$client.execute({ sql: "UPDATE sessions SET expires_at = ?, last_seen_at = 0 WHERE key_hash = ?", args: [Date.now() + 10_000, keyHash] });
    await (await b.request()).refresh();
    const row = (await engine.db!.$client.execute({ sql: "SELECT expires_at, last_seen_at FROM sessions WHERE key_hash = ?", args: [keyHash] })).rows[0];
    assert.ok(Number(row.expires_at) > Date.now() + 1_209_000_000, "expiry pushed to a full age from now");
    assert.ok(Number(row.last_seen_at) > Date.now() - 5000, "last seen is now");

    const empty = new TestBrowser(engine);
    empty.cookie = await engine.engine.open().cookie.write("A".repeat(43));
    const before = (await engine.db!.$client.execute("SELECT count(*) AS n FROM sessions")).rows[0].n;
    await (await empty.request()).refresh();
    assert.equal((await engine.db!.$client.execute("SELECT count(*) AS n FROM sessions")).rows[0].n, before);
    assert.equal(empty.cookiesSent, 1, "the cookie is re-sealed so the next refresh is an interval away");
  });

  it("the background sweep deletes expired rows in bounded batches, and only expired ones", async () => {
    const engine = await libsqlEngine();
    const now = Date.now();
    const insert = (i: number, expiresAt: number) =>
      engine.db!.$client.execute({
        sql: "INSERT INTO sessions (key_hash, data, expires_at, created_at, last_seen_at) VALUES (?, '{\"a\":1}', ?, ?, ?)",
        args: [`h${i}`, expiresAt, now, now],
      });
    await engine.db!.$client.batch(
      Array.from({ length: 2500 }, (_, i) => ({
        sql: "INSERT INTO sessions (key_hash, data, expires_at, created_at, last_seen_at) VALUES (?, '{\"a\":1}', ?, ?, ?)",
        args: [`expired${i}`, now - 1000, now, now],
      })),
    );
    await insert(-1, now + 3_600_000);
    const count = async () => Number((await engine.db!.$client.execute("SELECT count(*) AS n FROM sessions")).rows[0].n);
    assert.equal(await engine.store().clearExpired(SWEEP_BATCH), SWEEP_BATCH, "one batch is bounded");
    const stop = startExpirySweep(engine.store(), 0.05, (e) => assert.fail(String(e)));
    for (let i = 0; i < 50 && (await count()) > 1; i++) await sleep(50);
    stop();
    assert.equal(await count(), 1, "only the live row is left");
    assert.equal(await clearExpiredSessions(engine.store()), 0);
  });
});
