// The per-request statements: prepared once on a local file, run by the client elsewhere,
// and a failed one (SQLITE_BUSY) does not leave later writes uncommitted.
import { libsqlConnection } from "../lib/sessions";
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createClient } from "@libsql/client";
import { LibsqlStore } from "../lib/session/testing";
import { inMemoryDatabase, libsqlEngine, SECRETS, tempDatabase, TestBrowser } from "./harness";

describe("per-request statements", () => {
  it("on a local file, a visit's statements are compiled once and then reused", async () => {
    const engine = await libsqlEngine();
    const b = new TestBrowser(engine);
    const visit = async () => {
      const s = await b.request();
      await s.get("cart");
      await s.increment("visits");
      await s.set("cart", ["gpu"]);
      await s.save();
    };
    await visit();
    await visit(); // the first visit has no row to load
    const kept = (engine.store() as LibsqlStore).statements.prepared;
    assert.ok(kept >= 3, `load, increment and save are kept (${kept})`);
    for (let i = 0; i < 20; i++) await visit();
    assert.equal((engine.store() as LibsqlStore).statements.prepared, kept, "the same statements serve every later visit");
    assert.equal(await (await b.request()).get("visits"), 22);
  });

  it("keeps a bounded number of statements however many shapes a save takes", async () => {
    const { db } = await tempDatabase();
    const store = new LibsqlStore(libsqlConnection(db));
    const ctx = { expiresAt: Date.now() + 60_000, maxBytes: 65_536 };
    for (let n = 1; n <= 150; n++) {
      const set = Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, i]));
      assert.equal(await store.save("a-key", { set, removed: n > 1 ? [`k${n - 1}`] : [], replaceAll: false }, ctx), "saved");
    }
    assert.ok(store.statements.prepared <= 64, `${store.statements.prepared} kept`);
    const loaded = await store.load("a-key");
    assert.ok(loaded.state === "live");
    assert.equal(Object.keys(loaded.data).length, 149, "150 keys set in one save (more than SQLite's 127 function arguments), the last removed");
  });

  it("elsewhere (here an in-memory database) the client runs them, with the same results", async () => {
    const engine = await libsqlEngine(SECRETS, inMemoryDatabase);
    const b = new TestBrowser(engine);
    assert.equal(await (await b.request()).increment("n"), 1);
    assert.equal(await (await b.request()).increment("n", 2), 3);
    assert.equal((engine.store() as LibsqlStore).statements.prepared, 0);
  });

  it("a statement that failed with SQLITE_BUSY does not leave later writes uncommitted", async () => {
    const { db, url } = await tempDatabase();
    const store = new LibsqlStore(libsqlConnection(db));
    const ctx = { expiresAt: Date.now() + 60_000, maxBytes: 65_536 };
    assert.equal(await store.increment("a-key", "n", 1, ctx), 1);
    const other = createClient({ url });
    const lock = await other.transaction("write");
    await lock.execute("UPDATE sessions SET data = data");
    await assert.rejects(store.increment("a-key", "n", 1, ctx), /SQLITE_BUSY|locked/);
    await lock.rollback();
    assert.equal(await store.increment("a-key", "n", 1, ctx), 2);
    const seen = await other.execute("SELECT json_extract(data, '$.n') AS n FROM sessions");
    assert.equal(seen.rows[0].n, 2, "another connection sees the write: it was committed");
    other.close();
  });

  it("binds :name arguments by position, in SQLite's numbering: repeated names, colons in literals and comments", async () => {
    const { db } = await tempDatabase();
    const store = new LibsqlStore(libsqlConnection(db));
    const sql = `SELECT ':b' AS literal, :b AS b, 3 AS "x:y", :a AS a /* :c */, :b AS again -- :d
      , :missing AS missing`;
    const row = await store.statements.get(sql, { a: 1n, b: "two", c: "never", d: "never" });
    const { _metadata, ...values } = row as Record<string, unknown>; // the driver's timing, beside the columns
    assert.ok(_metadata);
    assert.deepEqual(values, { literal: ":b", b: "two", "x:y": 3, a: 1, again: "two", missing: null });
    await assert.rejects(store.statements.get("SELECT ? AS n", {}), /Only :name parameters/);
    await assert.rejects(store.statements.get("SELECT @n AS n", { n: 1n }), /Only :name parameters/);
  });
});
