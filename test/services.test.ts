// What an app reaches through its built sessions besides a request's session (sessionServices):
// its own cookies' attributes, the expiry sweep, clearsessions, the missing-data page.
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { readSettings, type SessionEngine } from "../lib/session";
import { sessionServices, signForwarded } from "../lib/session/testing";
import { ENGINES } from "./engines";
import { TestBrowser, stopRedisServers } from "./harness";

after(stopRedisServers);

for (const kind of ENGINES) {
  describe(`the built sessions' services: ${kind.name} engine`, () => {
    it("clearExpired deletes the expired sessions, reports them to the swept hook, and keeps the live ones", async () => {
      const fixture = await kind.create();
      const swept: number[] = [];
      const services = sessionServices({ engine: fixture.engine, settings: readSettings({}), hooks: { swept: ({ count }) => swept.push(count) } });
      const live = new TestBrowser(fixture);
      const keeper = await live.request();
      await keeper.set("kept", 1);
      await keeper.save();
      const expiring = new TestBrowser(fixture);
      const short = await expiring.request({ options: { cookieAge: 1 } });
      await short.set("gone", 1);
      await short.save();
      await sleep(1100);
      const deleted = await services.clearExpired();
      // Redis expires entries itself and the cookie engine stores nothing: nothing is left to delete.
      const sweeps = fixture.serverSide && !fixture.expiresByItself;
      assert.equal(deleted, sweeps ? 1 : 0);
      assert.deepEqual(swept, sweeps ? [1] : []);
      assert.equal(await (await expiring.request()).get("gone"), undefined);
      assert.equal(await (await live.request()).get("kept"), 1);
      await fixture.close?.();
    });
  });
}

describe("the built sessions' services", () => {
  it("startSweep sweeps a server-side engine in the background, and leaves the cookie engine alone", async () => {
    const fixture = await ENGINES.find((kind) => kind.name === "db")!.create();
    const swept: number[] = [];
    const settings = readSettings({ SESSION_SWEEP_INTERVAL: "1" });
    const browser = new TestBrowser(fixture);
    const short = await browser.request({ options: { cookieAge: 1 } });
    await short.set("gone", 1);
    await short.save();
    const stop = sessionServices({ engine: fixture.engine, settings, hooks: { swept: ({ count }) => swept.push(count) } }).startSweep((error) => assert.fail(String(error)));
    for (let i = 0; i < 40 && swept.length === 0; i++) await sleep(100);
    stop();
    assert.deepEqual(swept, [1]);

    let opened = 0;
    const cookie = (await ENGINES.find((kind) => kind.name === "cookie")!.create()).engine;
    const counting: SessionEngine = { writesDuringRender: cookie.writesDuringRender, open: () => (opened++, cookie.open()) };
    sessionServices({ engine: counting, settings }).startSweep((error) => assert.fail(String(error)))();
    assert.equal(opened, 0, "the cookie engine keeps nothing to sweep");
  });

  it("cookieOptions gives the app's own cookies the session cookie's attributes; deletingCookieOptions deletes them", () => {
    const settings = readSettings({ SESSION_COOKIE_DOMAIN: "example.com", SESSION_COOKIE_SECURE: "true", SESSION_COOKIE_SAMESITE: "Strict", SESSION_COOKIE_AGE: "600" });
    const services = sessionServices({ engine: { writesDuringRender: true, open: () => assert.fail("not opened") }, settings });
    const byDefault = services.cookieOptions();
    assert.deepEqual([byDefault.secure, byDefault.httpOnly, byDefault.sameSite, byDefault.domain, byDefault.path, byDefault.maxAge], [true, true, "strict", "example.com", "/", 600]);
    assert.equal(services.cookieOptions(60).maxAge, 60);
    assert.equal(services.cookieOptions(null).maxAge, undefined, "null: until the browser closes");
    const browserSession = sessionServices({ engine: { writesDuringRender: true, open: () => assert.fail("not opened") }, settings: readSettings({ SESSION_EXPIRE_AT_BROWSER_CLOSE: "true" }) });
    assert.equal(browserSession.cookieOptions().expires, undefined, "the default follows SESSION_EXPIRE_AT_BROWSER_CLOSE");
    const deleting = services.deletingCookieOptions();
    assert.deepEqual([deleting.maxAge, deleting.expires?.getTime(), deleting.domain, deleting.path], [0, 0, "example.com", "/"]);
  });

  it("missingDataPath names the page whose required data the proxy found missing, else null; a client's own header is null", () => {
    const services = sessionServices({ engine: { writesDuringRender: true, open: () => assert.fail("not opened") }, settings: readSettings({}) });
    const fromProxy = signForwarded("x-session-missing-data", "/getsession");
    assert.equal(services.missingDataPath(new Headers({ "x-session-missing-data": fromProxy })), "/getsession");
    assert.equal(services.missingDataPath(new Headers()), null);
    // Where the proxy did not run, the header is whatever the client sent.
    assert.equal(services.missingDataPath(new Headers({ "x-session-missing-data": "/getsession" })), null);
    assert.equal(services.missingDataPath(new Headers({ "x-session-messages": fromProxy, "x-session-missing-data": signForwarded("x-session-messages", "/getsession") })), null);
  });
});
