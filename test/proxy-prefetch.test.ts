// The session's proxy on a prefetch, on every engine: the app's matcher may let one through (the
// package's quick-start matcher does), and a prefetch is not a visit, so the proxy writes nothing:
// no key, no refresh, no render-time write, and the messages wait for the page really shown.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { NextRequest } from "next/server";
import { readSettings, type RenderWrite } from "../lib/session";
import { createMessages, MESSAGES_COOKIE } from "../lib/session/messages";
import { createSessions } from "../lib/session/next";
import { addMessage, takeMessages } from "../lib/session/testing";
import { ENGINES } from "./engines";
import { COOKIE_NAME, TestBrowser, type EngineFixture, stopRedisServers } from "./harness";

after(stopRedisServers);

/** What Next and browsers send on a prefetch: the router's header, and the Fetch spec's two. */
const PREFETCHES: Record<string, string>[] = [{ "next-router-prefetch": "1", rsc: "1" }, { "sec-purpose": "prefetch" }, { purpose: "prefetch" }];

const countVisit: RenderWrite<number> = {
  path: "/library",
  write: (session) => session.increment("visits"),
  read: async (session) => Number(await session.get("visits", 0)),
};

function proxyOf(engine: EngineFixture, env: Record<string, string> = {}) {
  const settings = readSettings({ SESSION_COOKIE_NAME: COOKIE_NAME, ...env });
  const messages = createMessages(() => assert.fail("the proxy step needs no host"));
  return createSessions({ engine: engine.engine, settings, renderWrites: [countVisit], proxySteps: [messages.proxyStep] }).proxy;
}

function request(path: string, headers: Record<string, string>, cookies: Record<string, string> = {}): NextRequest {
  const cookie = Object.entries(cookies).map(([name, value]) => `${name}=${value}`).join("; ");
  return new NextRequest(`http://localhost${path}`, { headers: cookie ? { ...headers, cookie } : headers });
}

for (const kind of ENGINES) {
  describe(`the proxy on a prefetch: ${kind.name} engine`, () => {
    let engine: EngineFixture;
    before(async () => {
      engine = await kind.create();
    });

    it("a prefetch from a browser without a cookie sets no cookie (no key, no session_checked)", async () => {
      for (const prefetch of PREFETCHES) {
        const response = await proxyOf(engine)(request("/", prefetch));
        assert.deepEqual(response.headers.getSetCookie(), [], JSON.stringify(prefetch));
      }
      const visit = await proxyOf(engine)(request("/", {}));
      assert.ok(visit.headers.getSetCookie().length > 0, "a real visit still gets its cookies");
    });

    it("a prefetch takes no messages: they wait for the page the visitor is shown", async () => {
      const b = new TestBrowser(engine);
      const s = await b.request();
      await addMessage(s, "success", "Build saved.");
      await s.save();
      for (const prefetch of PREFETCHES) {
        const response = await proxyOf(engine)(request("/", prefetch, { [COOKIE_NAME]: b.cookie!, [MESSAGES_COOKIE]: "1" }));
        assert.deepEqual(response.headers.getSetCookie(), [], JSON.stringify(prefetch));
      }
      const shown = await b.request();
      assert.deepEqual(await takeMessages(shown), [{ level: "success", text: "Build saved." }]);
    });

    it("a prefetch runs no render-time write and no idle refresh", async () => {
      const b = new TestBrowser(engine);
      const s = await b.request();
      await s.set("visits", 5);
      await s.save();
      await sleep(1100); // past SESSION_REFRESH_INTERVAL=1: a page load would refresh
      for (const prefetch of PREFETCHES) {
        const response = await proxyOf(engine, { SESSION_REFRESH_INTERVAL: "1" })(request("/library", prefetch, { [COOKIE_NAME]: b.cookie! }));
        assert.deepEqual(response.headers.getSetCookie(), [], JSON.stringify(prefetch));
      }
      assert.equal(await (await b.request()).get("visits"), 5, "not counted");
    });
  });
}
