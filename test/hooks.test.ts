// Lifecycle hooks: each fires once, after the change is stored, and a throwing hook fails nothing.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { SessionHooks } from "../lib/session";
import { clearExpiredSessions } from "../lib/session/testing";
import { ENGINES } from "./engines";
import { TestBrowser, type EngineFixture, stopRedisServers } from "./harness";

after(stopRedisServers);

for (const kind of ENGINES) {
  describe(`lifecycle hooks: ${kind.name} engine`, () => {
    let engine: EngineFixture;
    before(async () => {
      engine = await kind.create();
    });

    /** Hooks that record what they were told. */
    function recording() {
      const events: string[] = [];
      const hooks: SessionHooks = {
        created: () => events.push("created"),
        rotated: () => events.push("rotated"),
        flushed: () => events.push("flushed"),
        endedElsewhere: ({ count }) => events.push(`endedElsewhere ${count}`),
        swept: ({ count }) => events.push(`swept ${count}`),
      };
      return { events, options: { hooks } };
    }

    it("created fires once, when a key first stores data (set then save, or an increment); not for later writes", async () => {
      const { events, options } = recording();
      const b = new TestBrowser(engine);
      const first = await b.request({ options });
      await first.set("a", 1);
      await first.save();
      await first.set("b", 2);
      await first.save();
      const later = await b.request({ options });
      await later.set("c", 3);
      await later.save();
      assert.deepEqual(events, ["created"]);
      const counter = await new TestBrowser(engine).request({ options });
      await counter.increment("n");
      await counter.increment("n");
      assert.deepEqual(events, ["created", "created"]);
    });

    it("rotated on cycleKey, flushed on flush; a throwing hook fails nothing", async (t) => {
      const { events, options } = recording();
      const b = new TestBrowser(engine);
      const s = await b.request({ options });
      await s.set("a", 1);
      await s.save();
      await (await b.request({ options })).cycleKey();
      await (await b.request({ options })).flush();
      assert.deepEqual(events, ["created", "rotated", "flushed"]);
      const error = t.mock.method(console, "error", () => {});
      const throwing = await new TestBrowser(engine).request({ options: { hooks: { created: () => { throw new Error("hook"); } } } });
      await throwing.set("a", 1);
      await throwing.save();
      assert.equal(error.mock.callCount(), 1, "logged");
    });

    it("endedElsewhere counts the other devices; swept counts the expired sessions", { skip: kind.serverSide ? false : "the cookie engine keeps no server-side sessions" }, async () => {
      const { events, options } = recording();
      const signedIn = async () => {
        const b = new TestBrowser(engine);
        const s = await b.request();
        await s.setReserved("_auth_user_id", 9001);
        await s.save();
        return b;
      };
      const here = await signedIn();
      await signedIn();
      await signedIn();
      assert.equal(await (await here.request({ options })).endOtherUserSessions(9001), 2);
      const expiring = await new TestBrowser(engine).request();
      await expiring.set("old", 1);
      await expiring.setExpiry(new Date(Date.now() - 1000));
      await expiring.save();
      const swept = await clearExpiredSessions(engine.store(), 1000, options.hooks);
      if (engine.expiresByItself) {
        // Redis removed it by itself: nothing is left to sweep, and a sweep of nothing is no event.
        assert.equal(swept, 0);
        assert.deepEqual(events, ["endedElsewhere 2"]);
        return;
      }
      assert.ok(swept >= 1);
      assert.deepEqual(events, ["endedElsewhere 2", `swept ${swept}`]);
    });
  });
}
