// Operator policies a client tries to override, on every engine: the absolute
// age (SESSION_ABSOLUTE_AGE) through key rotation, set_expiry and increments;
// the message cap under concurrency; a message that does not fit.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { type LoadResult, type SessionOptions } from "../lib/session";
import { addMessage, MAX_PENDING_MESSAGES, MESSAGE_KEY_PREFIX, takeMessages } from "../lib/session/testing";
import { ENGINES } from "./engines";
import { stopRedisServers, TestBrowser, type EngineFixture } from "./harness";

after(stopRedisServers);

const TEN_YEARS = 10 * 365 * 24 * 3600;

for (const kind of ENGINES) {
  describe(`operator policies: ${kind.name} engine`, () => {
    let engine: EngineFixture;
    before(async () => {
      engine = await kind.create();
    });
    const serverSideOnly = () => (kind.serverSide ? false : "the cookie engine cannot merge concurrent requests (the last cookie wins)");

    /** The stored session behind the browser's cookie, as its store loads it. */
    async function stored(b: TestBrowser): Promise<LoadResult> {
      const { store, cookie } = engine.engine.open();
      const key = (await cookie.read(b.cookie))?.key;
      return key ? store.load(key) : { state: "missing" };
    }

    it("Cycle key keeps the session's age: rotating every 200 ms does not outlive SESSION_ABSOLUTE_AGE", async () => {
      const options = { absoluteAge: 2 };
      const b = new TestBrowser(engine);
      const s = await b.request({ options });
      await s.set("user", "alice");
      await s.save();
      const started = Date.now();
      while (Date.now() - started < 2300) {
        await sleep(200);
        await (await b.request({ options })).cycleKey();
      }
      assert.equal(await (await b.request({ options })).get("user"), undefined, "the session ended at its absolute age");
    });

    it("a sign-in's rotation (restartAge) starts a new age", async () => {
      // Margins of 1.5 s on each side of a 4 s age: a loaded machine's stalls must not decide the outcome.
      const options = { absoluteAge: 4 };
      const b = new TestBrowser(engine);
      const s = await b.request({ options });
      await s.set("user", "alice");
      await s.save();
      await sleep(2500);
      await (await b.request({ options })).cycleKey({ restartAge: true });
      await sleep(2500);
      assert.equal(await (await b.request({ options })).get("user"), "alice", "5 s after creation (past the first age), 2.5 s after the new age began");
    });

    it("no expiry reaches past creation + SESSION_ABSOLUTE_AGE: not set_expiry(10 years), its cookie, nor a refresh", async () => {
      const options: Partial<SessionOptions> = { absoluteAge: 60 };
      const b = new TestBrowser(engine);
      const s = await b.request({ options });
      await s.set("x", 1);
      await s.setExpiry(TEN_YEARS);
      await s.save();
      assert.ok(s.getExpiryAge() <= 60, `expiry age ${s.getExpiryAge()}`);
      assert.ok(s.getExpiryDate().getTime() <= Date.now() + 60_000);
      assert.ok(b.cookieMaxAge !== null && b.cookieMaxAge! <= 60, `cookie Max-Age ${b.cookieMaxAge}`);
      const loaded = await stored(b);
      assert.ok(loaded.state === "live" && loaded.expiresAt <= loaded.createdAt + 60_000, "the stored expiry is capped too");
      await (await b.request({ options })).refresh();
      assert.ok(b.cookieMaxAge! <= 60, `refreshed cookie Max-Age ${b.cookieMaxAge}`);
      const date = new Date(Date.now() + TEN_YEARS * 1000);
      const t = await b.request({ options });
      await t.setExpiry(date);
      assert.ok(t.getExpiryDate().getTime() <= Date.now() + 60_000, "a far date is capped as well");
    });

    it("an increment on a session past its absolute age starts a fresh session instead of extending it", async () => {
      const options = { absoluteAge: 1 };
      const b = new TestBrowser(engine);
      assert.equal(await (await b.request({ options })).increment("visits"), 1);
      assert.equal(await (await b.request({ options })).increment("visits"), 2);
      await sleep(1100);
      assert.equal(await (await b.request({ options })).increment("visits"), 1, "counted from 0 in a new session");
    });

    it(`the message cap holds under concurrency: 20 actions at once never leave more than ${MAX_PENDING_MESSAGES}`, { skip: serverSideOnly() }, async () => {
      const b = new TestBrowser(engine);
      const first = await b.request();
      for (let i = 0; i < MAX_PENDING_MESSAGES - 1; i++) await addMessage(first, "info", `old ${i}`);
      await first.save();
      const actions = await Promise.all(Array.from({ length: 20 }, () => b.request()));
      await Promise.all(actions.map((s) => s.get("anything"))); // every one loaded before any saved
      await Promise.all(
        actions.map(async (s, i) => {
          await addMessage(s, "success", `new ${i}`);
          await s.save();
        }),
      );
      const page = await b.request();
      const slots = await page.reservedItems(MESSAGE_KEY_PREFIX);
      assert.ok(slots.length <= MAX_PENDING_MESSAGES, `${slots.length} messages stored`);
      const shown = await takeMessages(page);
      await page.save();
      assert.equal(shown.length, MAX_PENDING_MESSAGES);
      assert.ok(shown.every((m) => m.text.startsWith("new ")), "the newest are kept");
      assert.equal(await (await b.request()).isEmpty(), true, "nothing is left once they are shown");
    });

    it("a message that does not fit is dropped, and the change it reports on is saved", async () => {
      const maxBytes = 2000; // under the cookie engine's 4 KB, so SESSION_MAX_BYTES is the limit everywhere
      const options = { maxBytes };
      const b = new TestBrowser(engine);
      const s = await b.request({ options });
      await s.set("filler", "f".repeat(maxBytes - 40));
      await s.save();
      const action = await b.request({ options });
      await action.set("cpu", "AMD");
      assert.equal(await addMessage(action, "success", "Build saved, with a note far too long to fit in what is left."), false);
      await action.save();
      const after = await b.request({ options });
      assert.equal(await after.get("cpu"), "AMD");
      assert.deepEqual(await takeMessages(after), []);
      assert.ok((await after.byteSize()) <= maxBytes);
    });
  });
}

