// The store contract: what every SessionStore does, tested through the
// interface alone (never through Session). Adding an engine is one file in
// lib/session/stores and one storeContract(...) call in store-contract.test.ts.
//
// `openStore()` is the store of one request, opened from the fixture's engine
// with its cookie codec. A server-side store is the same object every time;
// the cookie store is a new one per request, which learns its data from the
// cookie (the codec's read of what the last request's codec wrote). Items
// marked [server] need state kept on the server: they are skipped for a
// fixture with `serverSide: false`.
//
// Loading and saving
// - load of a key never written → "missing" (Django's exists() is false).
// - save → "saved"; load → "live" with exactly the data, in a later request too;
//   createdAt is kept by later writes, lastSeenAt is never before it, expiresAt is the write's.
// - A save applies only its change (SessionChange): keys it neither sets nor
//   removes keep their values; `removed` deletes keys; `replaceAll` writes
//   exactly `set`.
// - [server] Two requests that loaded the same session and save different keys
//   both keep theirs (per-key merge, not last-writer-wins).
// - A save that leaves no data → "emptied": no entry remains and the key loads
//   as "missing". Emptied is not ended: a later save under the key → "saved".
// - What load returns belongs to the caller: changing it changes nothing stored.
//
// Increment
// - An absent field (or key) counts from 0; the new value is returned and stored.
// - [server] Atomic: N concurrent increments, one per request, leave N, and
//   each returns a different value.
// - A stored value that is not a whole number (a string, 1.5), or a result
//   beyond ±Number.MAX_SAFE_INTEGER → SessionValueError (a TypeError).
// - A payload that would pass ctx.maxBytes (UTF-8 bytes of its JSON; reaching
//   the limit exactly is allowed) → SessionTooLargeError, on an existing and on
//   a new key alike. Whatever an increment refuses, it writes nothing.
//
// Ended keys (tombstones) and the dead-key marker [server]
// - end(key) leaves a tombstone: load → "ended".
// - Under an ended key, save and increment answer "interrupted" (the dead-key
//   marker: Session carries on under a fresh key) and write nothing: an ended
//   key never comes back to life, whatever is saved under it afterwards.
// - cycle(old, new, data, ctx) writes data under the new key (nothing when data
//   is empty), created at ctx.createdAt (a rotation keeps the session's age),
//   and [server] ends the old key, as end does.
// - A tombstone stays until clearExpired removes it, which it does once the
//   entry's expiry has passed; the key is then unknown ("missing") again.
//
// Expiry
// - An entry whose expiry has passed loads as "missing"; a save or an
//   increment under its key builds on {} with a new createdAt: old data never
//   comes back.
// - touch pushes a live entry's expiry to ctx.expiresAt, data unchanged; it
//   never revives an expired entry.
// - [server] clearExpired(limit) deletes at most `limit` expired entries
//   (tombstones included once expired; nothing live, no live tombstone) and
//   returns how many.
//
// Per-user sessions (only where store.users exists)
// - users.list(userId, currentKey): the user's live sessions, named by the
//   reserved _auth_user_id (never by an ordinary key), newest activity first,
//   with createdAt, lastSeenAt, userAgent and `current` on currentKey's; the id
//   is a short handle, never the key or a part of it. Ended and expired
//   sessions, and one whose _auth_user_id was removed, are not listed.
// - cycle carries the user to the new key.
// - users.endOthers(userId, keepKey) ends the user's other live sessions (they
//   load as "ended") and returns how many; keepKey's session stays.

import assert from "node:assert/strict";
import { after, before, describe, it, type TestContext } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { SessionTooLargeError, SessionValueError, type JsonValue, type SessionEngine } from "../lib/session";
import { newSessionKey, type CookieCodec, type CycleContext, type LoadResult, type SessionChange, type SessionStore, type WriteContext } from "../lib/session/testing";

type Data = Record<string, JsonValue>;

export interface ContractFixture {
  /** The store and cookie of one request: the same objects for a server-side store, new ones per request for the cookie store. */
  engine: SessionEngine;
  /** False for a store that keeps nothing server-side: the [server] items are skipped. */
  serverSide: boolean;
  /** The store's server expires entries by itself (Redis): clearExpired has nothing left to remove. */
  expiresByItself?: boolean;
  close?(): unknown;
}

const MAX_BYTES = 65_536;

function ctx(ms = 60_000, extra: Partial<WriteContext> = {}): WriteContext {
  return { expiresAt: Date.now() + ms, maxBytes: MAX_BYTES, userAgent: "contract", ...extra };
}

/** A rotation's context: the moved session was created at `createdAt`. */
function cycleCtx(createdAt = Date.now(), ms = 60_000): CycleContext {
  return { ...ctx(ms), createdAt };
}

function set(values: Data): SessionChange {
  return { set: values, removed: [], replaceAll: false };
}

function dataOf(result: LoadResult): Data | undefined {
  return result.state === "live" ? result.data : undefined;
}

export function storeContract(name: string, makeStore: () => Promise<ContractFixture>): void {
  describe(`store contract: ${name}`, () => {
    let fixture: ContractFixture;
    before(async () => {
      fixture = await makeStore();
    });
    after(async () => {
      await fixture?.close?.();
    });

    /** Skips a [server] item for a store that keeps nothing server-side. */
    const needsServer = (t: TestContext): boolean => {
      if (fixture.serverSide) return false;
      t.skip("needs server-side state");
      return true;
    };
    /** Each request's store, and the cookie codec it came with. */
    const codecs = new WeakMap<SessionStore, CookieCodec>();
    const openStore = (): SessionStore => {
      const { store, cookie } = fixture.engine.open();
      codecs.set(store, cookie);
      return store;
    };
    const cookieOf = (store: SessionStore): CookieCodec => codecs.get(store)!;
    /** Whether a key holds live data (Django's exists()). */
    const exists = async (store: SessionStore, key: string): Promise<boolean> => (await store.load(key)).state === "live";
    /** The store of a later request from the same browser: it carries `key`'s cookie. */
    const later = async (store: SessionStore, key: string): Promise<SessionStore> => {
      const next = openStore();
      await cookieOf(next).read(await cookieOf(store).write(key));
      return next;
    };
    /** A new key whose session holds `data`, saved through one request's store. */
    const saved = async (data: Data, context = ctx()): Promise<{ key: string; store: SessionStore }> => {
      const key = newSessionKey();
      const store = openStore();
      assert.equal(await store.save(key, set(data), context), "saved");
      return { key, store };
    };

    describe("loading and saving", () => {
      it("a key never written loads as missing and does not exist", async () => {
        const store = openStore();
        const key = newSessionKey();
        assert.deepEqual(await store.load(key), { state: "missing" });
        assert.equal(await exists(store, key), false);
      });

      it("save answers saved; the data loads back in a later request; createdAt is kept by later writes", async () => {
        const before = Date.now();
        const { key, store } = await saved({ a: 1, nested: { list: [true, null, "ü"] } });
        const cookie = await cookieOf(store).write(key);
        const next = openStore();
        assert.equal((await cookieOf(next).read(cookie))?.key, key, "the cookie carries the key");
        const first = await next.load(key);
        assert.equal(first.state, "live");
        assert.deepEqual(dataOf(first), { a: 1, nested: { list: [true, null, "ü"] } });
        assert.equal(await exists(next, key), true);
        if (first.state !== "live") return;
        assert.ok(first.createdAt >= before && first.lastSeenAt >= first.createdAt);
        // The expiry it was saved with (ctx(): a minute from then), give or take a store's index slack.
        assert.ok(Math.abs(first.expiresAt - (before + 60_000)) < 61_000, `expiresAt ${first.expiresAt - before} ms after saving`);
        await sleep(5);
        assert.equal(await next.save(key, set({ b: 2 }), ctx()), "saved");
        const second = await (await later(next, key)).load(key);
        assert.equal(second.state === "live" && second.createdAt, first.createdAt);
      });

      it("a save keeps the keys it does not name", async () => {
        const { key, store } = await saved({ a: 1, b: 1 });
        const next = await later(store, key);
        assert.equal(await next.save(key, set({ c: 1, b: 2 }), ctx()), "saved");
        assert.deepEqual(dataOf(await (await later(next, key)).load(key)), { a: 1, b: 2, c: 1 });
      });

      it("[server] two requests that loaded the same session and save different keys both keep theirs", async (t) => {
        if (needsServer(t)) return;
        const { key } = await saved({ start: 0 });
        const [one, two] = [openStore(), openStore()];
        await Promise.all([one.load(key), two.load(key)]);
        assert.deepEqual(await Promise.all([one.save(key, set({ one: 1 }), ctx()), two.save(key, set({ two: 2 }), ctx())]), ["saved", "saved"]);
        assert.deepEqual(dataOf(await openStore().load(key)), { start: 0, one: 1, two: 2 });
      });

      it("removed keys are deleted; the others stay", async () => {
        const { key, store } = await saved({ a: 1, b: 2, c: 3 });
        const next = await later(store, key);
        assert.equal(await next.save(key, { set: { d: 4 }, removed: ["a", "c", "never-there"], replaceAll: false }, ctx()), "saved");
        assert.deepEqual(dataOf(await (await later(next, key)).load(key)), { b: 2, d: 4 });
      });

      it("replaceAll writes exactly the given data", async () => {
        const { key, store } = await saved({ a: 1, b: 2 });
        const next = await later(store, key);
        assert.equal(await next.save(key, { set: { c: 3 }, removed: [], replaceAll: true }, ctx()), "saved");
        assert.deepEqual(dataOf(await (await later(next, key)).load(key)), { c: 3 });
      });

      it("a save that leaves no data answers emptied and leaves no entry; the key may be written again", async () => {
        for (const emptying of [{ set: {}, removed: ["a", "b"], replaceAll: false }, { set: {}, removed: [], replaceAll: true }]) {
          const { key, store } = await saved({ a: 1, b: 2 });
          const next = await later(store, key);
          assert.equal(await next.save(key, emptying, ctx()), "emptied");
          assert.deepEqual(await next.load(key), { state: "missing" });
          assert.equal(await exists(next, key), false);
          assert.equal(await next.save(key, set({ again: 1 }), ctx()), "saved", "emptied is not ended");
          assert.deepEqual(dataOf(await (await later(next, key)).load(key)), { again: 1 });
        }
      });

      it("what load returns belongs to the caller: changing it changes nothing stored", async () => {
        const { key, store } = await saved({ list: [1], obj: { x: 1 } });
        const loaded = dataOf(await store.load(key))!;
        (loaded.list as JsonValue[]).push(2);
        (loaded.obj as Data).x = 2;
        loaded.added = true;
        assert.deepEqual(dataOf(await (await later(store, key)).load(key)), { list: [1], obj: { x: 1 } });
      });
    });

    describe("increment", () => {
      it("an absent field, or key, counts from 0; the new value is returned and stored", async () => {
        const store = openStore();
        const key = newSessionKey();
        assert.equal(await store.increment(key, "n", 3, ctx()), 3);
        assert.equal(await store.increment(key, "n", -5, ctx()), -2);
        assert.deepEqual(dataOf(await (await later(store, key)).load(key)), { n: -2 });
        const other = await saved({ keep: "me" });
        assert.equal(await other.store.increment(other.key, "m", 1, ctx()), 1);
        assert.deepEqual(dataOf(await (await later(other.store, other.key)).load(other.key)), { keep: "me", m: 1 });
      });

      it("[server] 100 concurrent increments, one per request, count 100, each returning a different value", async (t) => {
        if (needsServer(t)) return;
        const { key } = await saved({ other: "kept" });
        const values = await Promise.all(Array.from({ length: 100 }, () => openStore().increment(key, "n", 1, ctx())));
        assert.deepEqual(
          [...values].sort((a, b) => Number(a) - Number(b)),
          Array.from({ length: 100 }, (_, i) => i + 1),
        );
        assert.deepEqual(dataOf(await openStore().load(key)), { other: "kept", n: 100 });
      });

      it("a stored string or 1.5 is refused with SessionValueError (a TypeError); nothing is written", async () => {
        const { key, store } = await saved({ word: "hello", half: 1.5 });
        const next = await later(store, key);
        for (const field of ["word", "half"]) {
          await assert.rejects(next.increment(key, field, 1, ctx()), (e: Error) => e instanceof SessionValueError && e instanceof TypeError);
        }
        assert.deepEqual(dataOf(await (await later(next, key)).load(key)), { word: "hello", half: 1.5 });
      });

      it("a result beyond ±MAX_SAFE_INTEGER is refused with SessionValueError; nothing is written", async () => {
        const { key, store } = await saved({ max: Number.MAX_SAFE_INTEGER - 1, min: -Number.MAX_SAFE_INTEGER });
        const next = await later(store, key);
        assert.equal(await next.increment(key, "max", 1, ctx()), Number.MAX_SAFE_INTEGER);
        await assert.rejects(next.increment(key, "max", 1, ctx()), SessionValueError);
        await assert.rejects(next.increment(key, "min", -1, ctx()), SessionValueError);
        assert.deepEqual(dataOf(await (await later(next, key)).load(key)), { max: Number.MAX_SAFE_INTEGER, min: -Number.MAX_SAFE_INTEGER });
      });

      it("a payload past ctx.maxBytes is refused with SessionTooLargeError and nothing is written; the limit itself is allowed", async () => {
        const { key, store } = await saved({ n: 9 }); // {"n":9}: 7 bytes
        const next = await later(store, key);
        await assert.rejects(next.increment(key, "n", 1, ctx(60_000, { maxBytes: 7 })), SessionTooLargeError);
        await assert.rejects(next.increment(key, "counter", 1, ctx(60_000, { maxBytes: 12 })), SessionTooLargeError);
        assert.deepEqual(dataOf(await (await later(next, key)).load(key)), { n: 9 });
        assert.equal(await next.increment(key, "n", 1, ctx(60_000, { maxBytes: 8 })), 10); // {"n":10}: 8 bytes
      });

      it("a payload past ctx.maxBytes is refused on a key with no entry too", async () => {
        const store = openStore();
        const key = newSessionKey();
        await assert.rejects(store.increment(key, "x".repeat(100), 1, ctx(60_000, { maxBytes: 50 })), SessionTooLargeError);
        assert.deepEqual(await store.load(key), { state: "missing" });
      });
    });

    describe("ended keys and the dead-key marker", () => {
      it("[server] end leaves a tombstone: load answers ended; save and increment answer interrupted and write nothing", async (t) => {
        if (needsServer(t)) return;
        const { key, store } = await saved({ user: 1 });
        await store.end(key);
        assert.deepEqual(await store.load(key), { state: "ended" });
        assert.equal(await exists(store, key), false);
        assert.equal(await store.save(key, set({ cart: "item" }), ctx()), "interrupted");
        assert.equal(await store.save(key, { set: { a: 1 }, removed: [], replaceAll: true }, ctx()), "interrupted");
        assert.equal(await store.increment(key, "n", 1, ctx()), "interrupted");
        assert.equal(await store.increment(key, "user", 1, ctx()), "interrupted");
        await store.touch(key, ctx());
        assert.deepEqual(await openStore().load(key), { state: "ended" });
      });

      it("cycle writes the data under the new key, and nothing when the data is empty", async () => {
        const { key: oldKey, store } = await saved({ a: 1 });
        const newKey = newSessionKey();
        await store.cycle(oldKey, newKey, { a: 1, b: 2 }, cycleCtx());
        assert.deepEqual(dataOf(await (await later(store, newKey)).load(newKey)), { a: 1, b: 2 });
        const fresh = newSessionKey();
        await store.cycle(null, fresh, {}, cycleCtx());
        assert.deepEqual(await store.load(fresh), { state: "missing" });
      });

      it("cycle keeps the session's age: the new key's createdAt is the one given, and later writes keep it", async () => {
        const { key: oldKey, store } = await saved({ a: 1 });
        const created = (await store.load(oldKey)) as Extract<LoadResult, { state: "live" }>;
        const bornEarlier = created.createdAt - 3_600_000;
        const newKey = newSessionKey();
        await store.cycle(oldKey, newKey, { a: 1 }, cycleCtx(bornEarlier));
        const next = await later(store, newKey);
        const moved = await next.load(newKey);
        assert.equal(moved.state === "live" && moved.createdAt, bornEarlier);
        assert.equal(await next.save(newKey, set({ b: 2 }), ctx()), "saved");
        const written = await (await later(next, newKey)).load(newKey);
        assert.equal(written.state === "live" && written.createdAt, bornEarlier);
      });

      it("[server] ending or rotating a key that never stored anything stores nothing (no tombstone one client could pile up)", async (t) => {
        if (needsServer(t)) return;
        const { store } = await saved({ a: 1 });
        const neverStored = newSessionKey();
        await store.end(neverStored);
        assert.deepEqual(await store.load(neverStored), { state: "missing" });
        const empty = newSessionKey();
        assert.equal(await store.cycle(empty, newSessionKey(), {}, cycleCtx()), "cycled");
        assert.deepEqual(await store.load(empty), { state: "missing" });
      });

      it("[server] a cycle of a key ended meanwhile is interrupted: its data comes back under no key", async (t) => {
        if (needsServer(t)) return;
        const { key: oldKey, store } = await saved({ _auth_user_id: 7, a: 1 });
        await store.end(oldKey); // a sign-out or a password change, between this request's load and its rotation
        const newKey = newSessionKey();
        assert.equal(await store.cycle(oldKey, newKey, { _auth_user_id: 7, a: 1 }, cycleCtx()), "interrupted");
        const next = await later(store, newKey);
        assert.notEqual((await next.load(newKey)).state, "live", "the rotated data is not live under the new key");
        assert.deepEqual(await next.load(oldKey), { state: "ended" });
        if (store.users) assert.deepEqual(await store.users.list(7, null), [], "nothing is listed for the user");
      });

      it("[server] cycle ends the old key", async (t) => {
        if (needsServer(t)) return;
        const { key: oldKey, store } = await saved({ a: 1 });
        await store.cycle(oldKey, newSessionKey(), { a: 1 }, cycleCtx());
        assert.deepEqual(await store.load(oldKey), { state: "ended" });
        assert.equal(await store.save(oldKey, set({ b: 1 }), ctx()), "interrupted");
        assert.equal(await store.increment(oldKey, "n", 1, ctx()), "interrupted");
      });
    });

    describe("expiry", () => {
      it("an expired entry loads as missing; a save or an increment builds on {} with a new createdAt", async () => {
        for (const write of ["save", "increment"] as const) {
          const { key, store } = await saved({ old: 1, n: 5 }, ctx(-1000));
          await sleep(5);
          const before = Date.now();
          const next = await later(store, key);
          assert.deepEqual(await next.load(key), { state: "missing" });
          assert.equal(await exists(next, key), false);
          if (write === "save") assert.equal(await next.save(key, set({ fresh: 1 }), ctx()), "saved");
          else assert.equal(await next.increment(key, "n", 1, ctx()), 1);
          const result = await (await later(next, key)).load(key);
          assert.deepEqual(dataOf(result), write === "save" ? { fresh: 1 } : { n: 1 });
          assert.ok(result.state === "live" && result.createdAt >= before, "createdAt starts again");
        }
      });

      it("touch pushes a live entry's expiry, data unchanged; it never revives an expired entry", async () => {
        const store = openStore();
        const [touched, untouched] = [newSessionKey(), newSessionKey()];
        await store.save(touched, set({ a: 1 }), ctx(400));
        await store.save(untouched, set({ b: 1 }), ctx(400));
        await store.touch(touched, ctx());
        await sleep(500);
        await store.touch(untouched, ctx()); // too late: it has expired
        assert.deepEqual(dataOf(await (await later(store, touched)).load(touched)), { a: 1 });
        assert.deepEqual(await (await later(store, untouched)).load(untouched), { state: "missing" });
      });

      it("[server] where the server expires entries itself, expired ones are gone at once and clearExpired finds nothing", async (t) => {
        if (needsServer(t)) return;
        if (!fixture.expiresByItself) return t.skip("this store is swept by clearExpired");
        const store = openStore();
        const expired = await Promise.all([1, 2, 3].map(async (i) => (await saved({ i }, ctx(-1000))).key));
        const liveTombstone = (await saved({ t: 2 })).key;
        await store.end(liveTombstone);
        const live = (await saved({ live: 1 })).key;
        assert.equal(await store.clearExpired(10), 0);
        for (const key of expired) assert.deepEqual(await store.load(key), { state: "missing" });
        assert.deepEqual(await store.load(liveTombstone), { state: "ended" });
        assert.deepEqual(dataOf(await store.load(live)), { live: 1 });
        assert.equal(await store.save(expired[0], set({ again: 1 }), ctx()), "saved", "an expired key is unknown again");
      });

      it("[server] clearExpired removes at most `limit` expired entries, expired tombstones included, and counts them", async (t) => {
        if (needsServer(t)) return;
        if (fixture.expiresByItself) return t.skip("this store's server expires entries itself");
        const store = openStore();
        while ((await store.clearExpired(1000)) > 0); // what earlier tests left behind
        const expired = await Promise.all([1, 2, 3].map(async (i) => (await saved({ i }, ctx(-1000))).key));
        const expiredTombstone = (await saved({ t: 1 }, ctx(-1000))).key;
        await store.end(expiredTombstone);
        const liveTombstone = (await saved({ t: 2 })).key;
        await store.end(liveTombstone);
        const live = (await saved({ live: 1 })).key;

        assert.equal(await store.clearExpired(3), 3);
        assert.equal(await store.clearExpired(10), 1);
        assert.equal(await store.clearExpired(10), 0);
        assert.deepEqual(dataOf(await store.load(live)), { live: 1 });
        assert.deepEqual(await store.load(liveTombstone), { state: "ended" });
        for (const key of [...expired, expiredTombstone]) assert.deepEqual(await store.load(key), { state: "missing" });
        assert.equal(await store.save(expiredTombstone, set({ again: 1 }), ctx()), "saved", "a swept key is unknown again");
      });
    });

    describe("per-user sessions", () => {
      const needsUsers = (t: TestContext): SessionStore["users"] | undefined => {
        const users = openStore().users;
        if (!users) t.skip("this store lists no user sessions");
        return users;
      };
      const signedIn = async (userId: number, userAgent: string, extra: Data = {}) => (await saved({ _auth_user_id: userId, ...extra }, ctx(60_000, { userAgent }))).key;

      it("list gives the user's live sessions, newest first, by _auth_user_id only; endOthers ends the others", async (t) => {
        const users = needsUsers(t);
        if (!users) return;
        const store = openStore();
        const phone = await signedIn(101, "Phone");
        await sleep(5);
        const laptop = await signedIn(101, "Laptop", { cart: 1 });
        const tablet = await signedIn(101, "Tablet");
        await store.save(tablet, { set: { left: 1 }, removed: ["_auth_user_id"], replaceAll: false }, ctx()); // signed out
        const ended = await signedIn(101, "Ended");
        await store.end(ended);
        await signedIn(102, "Someone else");
        await saved({ user_id: 101, _auth_user_hash: "x" }); // an ordinary key names no one

        const list = await users.list(101, laptop);
        assert.deepEqual(
          list.map((s) => [s.userAgent, s.current]),
          [["Laptop", true], ["Phone", false]],
        );
        for (const [i, key] of [laptop, phone].entries()) {
          const s = list[i];
          assert.ok(s.id.length > 0 && s.id.length < key.length && !key.includes(s.id), "a handle, never the key");
          assert.ok(s.createdAt instanceof Date && s.lastSeenAt instanceof Date && s.createdAt <= s.lastSeenAt);
        }
        assert.notEqual(list[0].id, list[1].id);
        assert.ok((await users.list(101, null)).every((s) => !s.current));

        assert.equal(await users.endOthers(101, laptop), 1);
        assert.deepEqual(await store.load(phone), { state: "ended" });
        assert.equal(await store.save(phone, set({ x: 1 }), ctx()), "interrupted");
        assert.deepEqual(dataOf(await store.load(laptop)), { _auth_user_id: 101, cart: 1 });
        assert.deepEqual(dataOf(await store.load(tablet)), { left: 1 });
        assert.equal((await users.list(102, null)).length, 1, "other users are untouched");
        assert.deepEqual(
          (await users.list(101, laptop)).map((s) => s.userAgent),
          ["Laptop"],
        );
      });

      it("cycle carries the user to the new key", async (t) => {
        const users = needsUsers(t);
        if (!users) return;
        const store = openStore();
        const oldKey = await signedIn(201, "Browser");
        const [before] = await users.list(201, oldKey);
        const newKey = newSessionKey();
        await store.cycle(oldKey, newKey, { _auth_user_id: 201 }, cycleCtx());
        const after = await users.list(201, newKey);
        assert.equal(after.length, 1);
        assert.equal(after[0].current, true);
        assert.notEqual(after[0].id, before.id);
      });

      it("an expired session is not listed, even after an increment reuses its key", async (t) => {
        const users = needsUsers(t);
        if (!users) return;
        const store = openStore();
        const key = (await saved({ _auth_user_id: 301 }, ctx(-1000))).key;
        assert.deepEqual(await users.list(301, null), []);
        assert.equal(await store.increment(key, "n", 1, ctx()), 1);
        assert.deepEqual(dataOf(await store.load(key)), { n: 1 });
        assert.deepEqual(await users.list(301, null), [], "the reused key holds no user");
      });

      it("endOthers counts only the live sessions it ends", async (t) => {
        const users = needsUsers(t);
        if (!users) return;
        const keep = await signedIn(401, "Here");
        await saved({ _auth_user_id: 401 }, ctx(-1000));
        await signedIn(401, "There");
        assert.equal((await users.list(401, keep)).length, 2);
        assert.equal(await users.endOthers(401, keep), 1, "the expired session was no device to sign out");
      });

      it("list gives the network last written from (a save or an increment), never more than it was told", async (t) => {
        const users = needsUsers(t);
        if (!users) return;
        const store = openStore();
        const { key } = await saved({ _auth_user_id: 601 }, ctx(60_000, { network: "203.0.113.0/24" }));
        await saved({ _auth_user_id: 601 }, ctx(60_000));
        const networks = async () => (await users.list(601, key)).map((d) => [d.current, d.network]).sort((a, b) => Number(b[0]) - Number(a[0]));
        assert.deepEqual(await networks(), [[true, "203.0.113.0/24"], [false, null]]);
        await store.save(key, set({ cart: 1 }), ctx(60_000)); // a write without one keeps the last known
        assert.deepEqual((await networks())[0], [true, "203.0.113.0/24"]);
        await store.increment(key, "n", 1, ctx(60_000, { network: "2001:db8::/48" }));
        assert.deepEqual((await networks())[0], [true, "2001:db8::/48"]);
      });

      it("endOne ends the one listed session it names, never the kept one or another user's", async (t) => {
        const users = needsUsers(t);
        if (!users) return;
        const here = await signedIn(501, "Here");
        const there = await signedIn(501, "There");
        const stranger = await signedIn(502, "Stranger");
        const listed = await users.list(501, here);
        const thereId = listed.find((d) => !d.current)!.id;
        const hereId = listed.find((d) => d.current)!.id;
        assert.equal(await users.endOne(502, thereId, stranger), false, "not another user's");
        assert.equal(await users.endOne(501, hereId, here), false, "not the kept one");
        assert.equal(await users.endOne(501, thereId, here), true);
        assert.equal(await users.endOne(501, thereId, here), false, "already ended");
        assert.deepEqual((await users.list(501, here)).map((d) => d.current), [true]);
        assert.equal((await openStore().load(there)).state, "ended");
        assert.equal((await users.list(502, stranger)).length, 1);
      });
    });
  });
}
