// Django's sessions_tests mixin (../shared/django-behaviours.md), run against every engine.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { SessionTooLargeError, SessionValueError, type JsonValue } from "../lib/session";
import { hashKey, DataKeyError, assertReservedDataKey, newSessionKey, clearExpiredSessions } from "../lib/session/testing";
import { ENGINES } from "./engines";
import { rowCount, TestBrowser, type EngineFixture, stopRedisServers } from "./harness";

after(stopRedisServers);

for (const kind of ENGINES) {
  describe(`session behaviours: ${kind.name} engine`, () => {
    let engine: EngineFixture;
    before(async () => {
      engine = await kind.create();
    });
    const browser = () => new TestBrowser(engine);
    /** A browser whose session holds `data`, saved. */
    async function withData(data: Record<string, string | number>): Promise<TestBrowser> {
      const b = browser();
      const s = await b.request();
      await s.update(data);
      await s.save();
      return b;
    }
    /** A browser whose session is signed in as `userId` (the reserved key sign-in writes). */
    async function signedInAs(userId: number): Promise<TestBrowser> {
      const b = browser();
      const s = await b.request();
      await s.setReserved("_auth_user_id", userId);
      await s.save();
      return b;
    }
    const serverSideOnly = () => (kind.serverSide ? false : "the cookie engine keeps no server-side rows");

    describe("values and flags", () => {
      it("a new session is neither modified nor accessed", async () => {
        const s = await browser().request();
        assert.equal(s.modified, false);
        assert.equal(s.accessed, false);
      });

      it("reading a missing key gives undefined or the fallback", async () => {
        const s = await browser().request();
        assert.equal(await s.get("cat"), undefined);
        assert.equal(await s.get("cat", "Guest"), "Guest");
      });

      it("setting a key marks the session modified", async () => {
        const s = await browser().request();
        await s.set("cat", "meow");
        assert.equal(s.modified, true);
        assert.equal(await s.get("cat"), "meow");
      });

      it("pop: present returns it (accessed + modified); missing with fallback (accessed only); missing without throws", async () => {
        const b = await withData({ some: "exists" });
        let s = await b.request();
        assert.equal(await s.pop("some"), "exists");
        assert.equal(s.accessed, true);
        assert.equal(s.modified, true);
        assert.equal(await s.get("some"), undefined);

        s = await b.request();
        assert.equal(await s.pop("missing", "default"), "default");
        assert.equal(s.accessed, true);
        assert.equal(s.modified, false);

        s = await b.request();
        await assert.rejects(s.pop("missing"), DataKeyError);
      });

      it("setdefault keeps an existing value and stores a missing one", async () => {
        const b = await withData({ foo: "bar" });
        let s = await b.request();
        assert.equal(await s.setdefault("foo", "baz"), "bar");
        assert.equal(s.modified, false);
        s = await b.request();
        assert.equal(await s.setdefault("new", "baz"), "baz");
        assert.equal(s.modified, true);
        assert.equal(await s.get("new"), "baz");
      });

      it("update marks accessed and modified", async () => {
        const s = await browser().request();
        await s.update({ update: "key" });
        assert.equal(s.accessed, true);
        assert.equal(s.modified, true);
        assert.equal(await s.get("update"), "key");
      });

      for (const method of ["has", "keys", "values", "items"] as const) {
        it(`7. ${method} marks accessed, not modified`, async () => {
          const b = await withData({ x: 1 });
          const s = await b.request();
          const result = method === "has" ? await s.has("x") : await s[method]();
          assert.ok(result);
          assert.equal(s.accessed, true);
          assert.equal(s.modified, false);
        });
      }

      it("keys, values and items list the data", async () => {
        const b = await withData({ x: 1, y: "two" });
        const s = await b.request();
        assert.deepEqual(await s.keys(), ["x", "y"]);
        assert.deepEqual(await s.values(), [1, "two"]);
        assert.deepEqual(await s.items(), [["x", 1], ["y", "two"]]);
      });

      it("clear empties the data and marks both flags", async () => {
        const b = await withData({ x: 1 });
        const s = await b.request();
        await s.clear();
        assert.deepEqual(await s.items(), []);
        assert.equal(s.accessed, true);
        assert.equal(s.modified, true);
        await s.save();
        assert.deepEqual(await (await b.request()).items(), []);
      });
    });

    describe("saving, deleting, rotating", () => {
      it("after save the key exists in the store and the data stays in memory", async () => {
        const b = browser();
        const s = await b.request();
        await s.set("x", 1);
        await s.save();
        assert.ok(s.sessionKey);
        if (engine.serverSide) assert.equal((await engine.store().load(s.sessionKey!)).state === "live", true);
        assert.equal(await s.get("x"), 1);
        assert.equal(await (await b.request()).get("x"), 1);
      });

      it("deleting a key from the store makes it not exist", { skip: serverSideOnly() }, async () => {
        const b = await withData({ x: 1 });
        const s = await b.request();
        await engine.store().end(s.sessionKey!);
        assert.equal((await engine.store().load(s.sessionKey!)).state === "live", false);
      });

      it("flush: old data gone, key unset, both flags set, cookie deleted", async () => {
        const b = await withData({ x: 1 });
        const cookieBefore = b.cookie;
        const s = await b.request();
        const oldKey = s.sessionKey!;
        await s.flush();
        assert.equal(s.sessionKey, null);
        assert.equal(s.accessed, true);
        assert.equal(s.modified, true);
        assert.equal(b.cookie, undefined);
        assert.equal(b.cookiesDeleted, 1);
        if (kind.serverSide) {
          assert.equal((await engine.store().load(oldKey)).state === "live", false);
          // Replaying the old cookie finds nothing (a cookie engine cannot revoke a copied cookie).
          b.cookie = cookieBefore;
          assert.equal(await (await b.request()).get("x"), undefined);
        }
      });

      it("cycleKey: new key, old row gone, same data, even when never loaded", async () => {
        const b = await withData({ a: "c", b: "d" });
        const oldCookie = b.cookie;
        const s = await b.request();
        const oldKey = s.sessionKey!;
        await s.cycleKey(); // nothing loaded before this call
        assert.notEqual(s.sessionKey, oldKey);
        assert.notEqual(b.cookie, oldCookie);
        assert.equal(await s.get("a"), "c");
        assert.equal(await (await b.request()).get("b"), "d");
        if (engine.serverSide) {
          assert.equal((await engine.store().load(oldKey)).state === "live", false);
          const replay = new TestBrowser(engine);
          replay.cookie = oldCookie;
          assert.equal(await (await replay.request()).get("a"), undefined);
        }
      });
    });

    describe("keys", () => {
      it("a key the server never issued is never adopted", async () => {
        for (const forged of ["nonexistent", "a".repeat(43), newSessionKey(), "Fe26.2**bad", "x".repeat(9000)]) {
          const b = browser();
          b.cookie = forged;
          const s = await b.request();
          assert.equal(s.sessionKey, null, `adopted ${forged.slice(0, 20)}`);
          await s.set("x", 1);
          await s.save();
          assert.ok(s.sessionKey);
          assert.notEqual(b.cookie, forged);
        }
      });

      it("loading an unknown key creates no row", { skip: serverSideOnly() }, async (t) => {
        if (!engine.db) return t.skip("needs the libSQL rows");
        const before = await rowCount(engine.db!);
        const b = browser();
        b.cookie = await engine.engine.open().cookie.write(newSessionKey()); // issued, never written
        const s = await b.request();
        assert.equal(await s.get("anything"), undefined);
        await s.save();
        assert.equal(await rowCount(engine.db!), before);
      });
    });

    describe("expiry", () => {
      it("the default age is SESSION_COOKIE_AGE; setExpiry(0) still reports it", async () => {
        const s = await browser().request();
        assert.equal(s.getExpiryAge(), 1_209_600);
        await s.setExpiry(0);
        assert.equal(s.getExpiryAge(), 1_209_600);
      });

      it("setExpiry(seconds | Date) gives the matching date and age; null goes back to the default", async () => {
        const s = await browser().request();
        await s.setExpiry(10);
        assert.equal(s.getExpiryAge(), 10);
        assert.ok(Math.abs(s.getExpiryDate().getTime() - (Date.now() + 10_000)) < 1000);
        const date = new Date(Date.now() + 3_600_000);
        await s.setExpiry(date);
        assert.ok(Math.abs(s.getExpiryAge() - 3600) <= 1);
        assert.equal(s.getExpiryDate().getTime(), date.getTime());
        await s.setExpiry(null);
        assert.equal(s.getExpiryAge(), 1_209_600);
      });

      it("expire at browser close: 10 → false, 0 → true, none → the setting", async () => {
        for (const setting of [false, true]) {
          const s = await browser().request({ options: { expireAtBrowserClose: setting } });
          assert.equal(s.getExpireAtBrowserClose(), setting);
          await s.setExpiry(10);
          assert.equal(s.getExpireAtBrowserClose(), false);
          await s.setExpiry(0);
          assert.equal(s.getExpireAtBrowserClose(), true);
          await s.setExpiry(null);
          assert.equal(s.getExpireAtBrowserClose(), setting);
        }
      });

      it("an expiry setting persists across requests", async () => {
        const b = browser();
        const s = await b.request();
        await s.set("x", 1);
        await s.setExpiry(0);
        await s.save();
        assert.equal(b.cookieMaxAge, null);
        assert.equal((await b.request()).getExpireAtBrowserClose(), false); // not loaded yet: setting
        const next = await b.request();
        await next.get("x");
        assert.equal(next.getExpireAtBrowserClose(), true);
      });

      it("a session whose expiry has passed loads as empty, and its data never comes back", async () => {
        const b = browser();
        const s = await b.request();
        await s.set("x", 1);
        await s.setExpiry(new Date(Date.now() - 1000));
        await s.save();
        const later = await b.request();
        assert.equal(await later.get("x"), undefined);
        await later.set("y", 2);
        await later.save();
        assert.deepEqual(await (await b.request()).items(), [["y", 2]]);
      });
    });

    describe("integrity", () => {
      it("stored data round-trips", async () => {
        const value = { a: [1, 2.5, "three", null, true], nested: { deep: { er: "ünïcødé ✓" } } };
        const b = browser();
        const s = await b.request();
        await s.set("v", value);
        await s.save();
        assert.deepEqual(await (await b.request()).get("v"), value);
      });

      it("corrupt stored data loads as empty and is logged, never thrown", { skip: serverSideOnly() }, async (t) => {
        if (!engine.db) return t.skip("needs the libSQL rows");
        const b = await withData({ x: 1 });
        await engine.db!.$client.execute("UPDATE sessions SET data = 'not json{' WHERE data LIKE '%\"x\":1%'");
        await engine.forget?.();
        const warn = t.mock.method(console, "warn", () => {});
        const s = await b.request();
        assert.equal(await s.get("x"), undefined);
        assert.ok(warn.mock.calls.some((c) => String(c.arguments[0]).includes("corrupt session data")));
        await s.set("y", 2);
        await s.save();
        assert.deepEqual(await (await b.request()).items(), [["y", 2]]);
      });

      it("only JSON values are stored: anything else is a TypeError naming the key", async () => {
        const s = await browser().request();
        for (const bad of [() => 1, new Date(), new Map(), 10n, NaN, Infinity, undefined, { nested: new Set() }]) {
          await assert.rejects(s.set("thing", bad as never), (e: Error) => e instanceof TypeError && e.message.includes('"thing"'));
        }
        assert.equal(s.modified, false);
      });

      it("keys that cannot be stored are refused with a clear error", async () => {
        const s = await browser().request();
        for (const bad of ["", "x".repeat(257), 'quo"te', "back\\slash", "ctl\u0001"]) {
          await assert.rejects(s.set(bad, 1), TypeError);
        }
        await assert.rejects(s.set("_session_expiry", 1), /reserved/);
      });

      it("an oversized payload is refused and the stored session stays as it was", async () => {
        const b = browser();
        const s = await b.request({ options: { maxBytes: 1000 } });
        await s.set("small", "ok");
        await s.save();
        const big = await b.request({ options: { maxBytes: 1000 } });
        await assert.rejects(big.set("big", "x".repeat(2000)), (e: Error) => e instanceof SessionTooLargeError && /too large/.test(e.message));
        await assert.rejects(big.update({ a: "x".repeat(600), b: "y".repeat(600) }), SessionTooLargeError);
        assert.deepEqual(await big.items(), [["small", "ok"]]);
        await big.save();
        assert.deepEqual(await (await b.request()).items(), [["small", "ok"]]);
      });
    });

    describe("the one validation path (every write, checked before storage)", () => {
      const nested = (depth: number): JsonValue => {
        let value: JsonValue = 0;
        for (let i = 0; i < depth; i++) value = [value];
        return value;
      };

      it("reserved keys: no public mutator writes or deletes them; the framework's own calls can; never listed", async () => {
        const b = browser();
        const s = await b.request();
        await s.setReserved("_auth_user_id", 5);
        await s.set("cart", 1);
        await s.save();
        const t = await b.request();
        const writes = [
          () => t.set("_auth_user_id", 1),
          () => t.set("_x", 1),
          () => t.update({ ok: 1, _session_expiry: 5 }),
          () => t.setdefault("_auth_user_hash", "x"),
          () => t.delete("_auth_user_id"),
          () => t.pop("_auth_user_id"),
          () => t.increment("_session_expiry", 1e11),
        ];
        for (const write of writes) await assert.rejects(write(), (e: Error) => e instanceof SessionValueError && /reserved/.test(e.message));
        assert.throws(() => assertReservedDataKey("user_id"), /not a reserved key/);
        await assert.rejects(t.setReserved("plain", 1), /not a reserved key/);
        assert.deepEqual(await t.items(), [["cart", 1]]);
        await t.save();
        const u = await b.request();
        assert.equal(await u.get("_auth_user_id"), 5);
        assert.equal(await u.has("ok"), false, "a refused update changes nothing");
        assert.equal(await u.deleteReserved("_auth_user_id"), true);
      });

      it("a lone-surrogate key is refused on a new and on an existing session; so is one in a value", async () => {
        const b = browser();
        await assert.rejects((await b.request()).set("a\uD800", 1), /well-formed/);
        const s = await b.request();
        await s.set("a", 1);
        await s.save();
        const t = await b.request();
        await assert.rejects(t.set("a\uD800", 1), /well-formed/);
        await assert.rejects(t.delete("a\uDC00"), /well-formed/);
        await assert.rejects(t.set("v", "x\uD800y"), /lone surrogate/);
        await assert.rejects(t.set("v", { ["k\uDFFF"]: 1 }), /lone surrogate/);
        assert.deepEqual(await t.items(), [["a", 1]]);
      });

      it("values nest at most 100 deep; 200,000 deep is refused, not a stack overflow", async () => {
        const b = browser();
        const s = await b.request();
        await s.set("ok", nested(100));
        await s.save();
        const t = await b.request();
        assert.deepEqual(await t.get("ok"), nested(100));
        await assert.rejects(t.set("deep", nested(101)), /nested deeper than 100/);
        await assert.rejects(t.set("deeper", nested(200_000)), /nested deeper than 100/);
        const cyclic: JsonValue[] = [];
        cyclic.push(cyclic);
        await assert.rejects(t.set("cyclic", cyclic), SessionValueError);
        const shared = { a: 1 };
        await t.set("shared", [shared, shared]); // a shared (acyclic) object is fine
        await t.save();
        assert.deepEqual(await (await b.request()).get("shared"), [{ a: 1 }, { a: 1 }]);
      });

      it("numbers must be exact: beyond ±2^53-1 refused; increment steps and results too, and only whole numbers count", async () => {
        const b = browser();
        const s = await b.request();
        for (const bad of [2 ** 53, -(2 ** 53), 1e308, Infinity, NaN]) await assert.rejects(s.set("n", bad), SessionValueError);
        await s.set("max", Number.MAX_SAFE_INTEGER - 1);
        await s.set("half", 1.5);
        await s.save();
        const t = await b.request();
        assert.equal(await t.increment("max"), Number.MAX_SAFE_INTEGER);
        await assert.rejects(t.increment("max"), /would leave/);
        await assert.rejects(t.increment("half"), /not a whole number/);
        for (const step of [0.5, 1e308, 2 ** 53, NaN]) await assert.rejects(t.increment("c", step), /whole number/);
        const u = await b.request(); // not loaded: the store refuses on its own
        await assert.rejects(u.increment("max"), /would leave/);
        await assert.rejects(u.increment("half"), /not a whole number/);
        assert.equal(await (await b.request()).get("max"), Number.MAX_SAFE_INTEGER);
      });

      it("__proto__ is a reserved session key (it starts with _); inside values it and constructor are ordinary keys", async () => {
        const b = browser();
        const s = await b.request();
        const body = JSON.parse('{"__proto__": {"_auth_user_id": 1}, "constructor": 1, "inner": {"__proto__": {"x": 1}}}') as Record<string, JsonValue>;
        await assert.rejects(s.update(body), /reserved/);
        await assert.rejects(s.set("__proto__", { polluted: true }), /reserved/);
        await s.update(Object.fromEntries(Object.entries(body).filter(([key]) => key !== "__proto__")));
        await s.save();
        const t = await b.request();
        assert.equal(await t.get("_auth_user_id"), undefined);
        assert.equal(await t.get("polluted"), undefined);
        assert.equal(await t.get("constructor"), 1);
        assert.deepEqual(Object.keys((await t.get("inner")) as object), ["__proto__"]);
        assert.deepEqual((await t.get("inner")) as object, JSON.parse('{"__proto__": {"x": 1}}'));
        assert.equal(await t.increment("fresh"), 1);
        assert.equal(await t.get("toString"), undefined, "inherited names are not keys");
        assert.equal(await t.has("valueOf"), false);
        await t.save();
        assert.deepEqual((await (await b.request()).keys()).sort(), ["constructor", "fresh", "inner"]);
      });

      it("a save of 1,500 keys and a removal of 1,500 keys work, on a new and an existing session", { skip: serverSideOnly() }, async () => {
        const b = browser();
        const many = (prefix: string) => Object.fromEntries(Array.from({ length: 1500 }, (_, i) => [`${prefix}${i}`, i % 2 ? `v${i}` : { i, on: i % 3 === 0 }]));
        const s = await b.request();
        await s.update(many("a"));
        await s.save();
        const t = await b.request();
        await t.update({ ...many("b"), flag: false, nothing: null, list: [true, { x: null }] });
        await t.save();
        const u = await b.request();
        assert.equal((await u.keys()).length, 3003);
        assert.deepEqual(await u.get("a2"), { i: 2, on: false });
        assert.deepEqual(await u.get("list"), [true, { x: null }]);
        assert.equal(await u.get("flag"), false);
        assert.equal(await u.get("nothing"), null);
        for (let i = 0; i < 1500; i++) await u.delete(`a${i}`);
        await u.save();
        assert.equal((await (await b.request()).keys()).length, 1503);
      });

      it("increment respects SESSION_MAX_BYTES: new keys stop before the payload passes it", async () => {
        const b = browser();
        const options = { maxBytes: 2000 };
        let refused = 0;
        for (let i = 0; i < 20; i++) {
          const s = await b.request({ options });
          try {
            await s.increment(String(i).padStart(256, "k"));
          } catch (error) {
            assert.ok(error instanceof SessionTooLargeError, String(error));
            refused++;
          }
        }
        assert.ok(refused > 0);
        const s = await b.request({ options });
        assert.ok((await s.byteSize()) <= 2000, `${await s.byteSize()} bytes`);
        assert.equal(await s.increment(String(0).padStart(256, "k")), 2, "an existing count still counts");
      });

      it("set_expiry refuses absurd values, and a stored expiry that set_expiry could not have written counts as unset", async () => {
        const b = browser();
        const s = await b.request();
        for (const bad of [-1, 1.5, 1e11, new Date(8.64e15), new Date(NaN)]) await assert.rejects(s.setExpiry(bad), SessionValueError);
        await s.setReserved("_session_expiry", "x");
        await s.set("a", 1);
        assert.equal(s.getExpiryAge(), 1_209_600);
        await s.save();
        const t = await b.request();
        await t.get("a");
        assert.equal(t.getExpiryAge(), 1_209_600);
        assert.ok(Number.isFinite(t.getExpiryDate().getTime()));
      });
    });

    describe("concurrency", () => {
      it("a save after another request flushed the session does not bring it back", { skip: serverSideOnly() }, async () => {
        const b = await withData({ user_id: 123 });
        const signedInCookie = b.cookie;
        const late = await b.request();
        await late.get("user_id"); // loaded before the flush
        const signOut = await b.request();
        await signOut.flush();
        await late.set("cart", "item");
        await late.save(); // must not write under the dead key
        // The signed-out key stays dead...
        const replay = new TestBrowser(engine);
        replay.cookie = signedInCookie;
        assert.deepEqual(await (await replay.request()).items(), []);
        // ...and the late request carries on in a fresh session holding only what it wrote.
        assert.deepEqual(await (await b.request()).items(), [["cart", "item"]]);
      });

      it("a render (no cookie possible) that finds its key flushed refuses to write under it", { skip: serverSideOnly() }, async () => {
        const b = await withData({ n: 1 });
        const render = await b.request({ writable: false });
        await (await b.request()).flush();
        await assert.rejects(render.increment("n"), /deleted before the request completed/);
        const noKey = await new TestBrowser(engine).request({ writable: false });
        await assert.rejects(noKey.increment("n"), /no usable session key/);
      });

      it("increment adds atomically and refuses non-numbers", async () => {
        const b = browser();
        const s = await b.request();
        assert.equal(await s.increment("n"), 1);
        assert.equal(await s.increment("n", 41), 42);
        assert.equal(await (await b.request()).get("n"), 42);
        const t = await b.request();
        await t.set("word", "hello");
        await t.save();
        await assert.rejects((await b.request()).increment("word"), TypeError);
      });
    });

    describe("store specifics", { skip: serverSideOnly() }, () => {
      it("sessions:clear deletes expired rows only", async (t) => {
        if (!engine.db) return t.skip("needs the libSQL rows");
        const { db } = engine;
        const live = await withData({ live: 1 });
        const expiring = browser();
        const s = await expiring.request();
        await s.set("old", 1);
        await s.setExpiry(new Date(Date.now() - 1000));
        await s.save();
        const before = await rowCount(db!);
        const deleted = await clearExpiredSessions(engine.store(), 2);
        assert.ok(deleted >= 1);
        assert.equal(await rowCount(db!), before - deleted);
        assert.equal(await (await live.request()).get("live"), 1);
      });

      it("the store fills the user_id column from the reserved _auth_user_id, never from an ordinary key", async (t) => {
        if (!engine.db) return t.skip("needs the libSQL rows");
        const forged = await withData({ user_id: 456, username: "john_doe" });
        const forgedKey = (await forged.request()).sessionKey!;
        const b = await signedInAs(123);
        const key = (await b.request()).sessionKey!;
        const row = await engine.db!.$client.execute({ sql: "SELECT user_id FROM sessions WHERE key_hash = ?", args: [hashKey(key)] });
        assert.equal(row.rows[0].user_id, 123);
        const forgedRow = await engine.db!.$client.execute({ sql: "SELECT user_id FROM sessions WHERE key_hash = ?", args: [hashKey(forgedKey)] });
        assert.equal(forgedRow.rows[0].user_id, null);
      });

      it("lists a user's live sessions and ends the others, leaving this one", async () => {
        const phone = await signedInAs(77);
        const laptop = await signedInAs(77);
        await signedInAs(78);
        const here = await laptop.request({ userAgent: "Laptop" });
        const list = await here.userSessions(77);
        assert.equal(list.length, 2);
        assert.equal(list.filter((d) => d.current).length, 1);
        assert.ok(list.every((d) => d.id.length === 12 && !here.sessionKey!.startsWith(d.id)));
        assert.equal(await here.endOtherUserSessions(77), 1);
        assert.equal((await here.userSessions(77)).length, 1);
        assert.equal(await (await phone.request()).get("_auth_user_id"), undefined, "the phone is signed out");
        assert.equal(await (await laptop.request()).get("_auth_user_id"), 77, "this device stays signed in");
      });

      it("the database never stores the key in the clear", async (t) => {
        if (!engine.db) return t.skip("needs the libSQL rows");
        const b = await withData({ x: 1 });
        const key = (await b.request()).sessionKey!;
        const dump = await engine.db!.$client.execute("SELECT * FROM sessions");
        assert.ok(!JSON.stringify(dump.rows).includes(key));
      });
    });

    describe("HTTP", () => {
      it("flush without an incoming cookie sends no cookie", async () => {
        const b = browser();
        const s = await b.request();
        await s.flush();
        assert.equal(b.cookiesDeleted, 0);
        assert.equal(b.cookiesSent, 0);
      });

      it("saved only when modified, or every request with SESSION_SAVE_EVERY_REQUEST, and only if not empty", async () => {
        const b = await withData({ x: 1 });
        const sent = b.cookiesSent;
        const untouched = await b.request();
        await untouched.get("x");
        await untouched.save();
        assert.equal(b.cookiesSent, sent);
        const every = await b.request({ options: { saveEveryRequest: true } });
        await every.get("x");
        await every.save();
        assert.equal(b.cookiesSent, sent + 1);
        const empty = browser();
        const e = await empty.request({ options: { saveEveryRequest: true } });
        await e.get("x");
        await e.save();
        assert.equal(empty.cookiesSent, 0);
      });

      it("no Max-Age when expiring at browser close", async () => {
        const b = browser();
        const s = await b.request({ options: { expireAtBrowserClose: true } });
        await s.set("x", 1);
        await s.save();
        assert.equal(b.cookieMaxAge, null);
        const d = browser();
        const t = await d.request();
        await t.set("x", 1);
        await t.save();
        assert.equal(d.cookieMaxAge, 1_209_600);
      });

      it("a session that becomes empty deletes its row and its cookie", async () => {
        const b = await withData({ only: 1 });
        const s = await b.request();
        await s.delete("only");
        await s.save();
        assert.equal(b.cookie, undefined);
        if (engine.serverSide) assert.equal((await engine.store().load(s.sessionKey!)).state === "live", false);
      });

      it("test-cookie methods work; isEmpty is true for a fresh session", async () => {
        const b = browser();
        const s = await b.request();
        assert.equal(await s.isEmpty(), true);
        assert.equal(await s.testCookieWorked(), false);
        await s.setTestCookie();
        await s.save();
        const next = await b.request();
        assert.equal(await next.testCookieWorked(), true);
        await next.deleteTestCookie();
        assert.equal(await next.testCookieWorked(), false);
      });
    });

    after(() => engine.db?.$client.close());
  });
}
