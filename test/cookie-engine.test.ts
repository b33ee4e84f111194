// What only the cookie engine has to prove: its 4 KB limit, expiry inside the seal, secret rotation.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { SessionEngineUnsupportedError, SessionTooLargeError } from "../lib/session";
import { COOKIE_NAME, cookieEngine, TestBrowser } from "./harness";

const OLD = "old-cookie-secret-0123456789-0123456789";
const NEW = "new-cookie-secret-0123456789-0123456789";

describe("cookie engine", () => {
  it("refuses a payload the browser would not keep, before anything is sent, and keeps the session", async () => {
    const b = new TestBrowser(await cookieEngine());
    const s = await b.request();
    await s.set("small", "ok");
    await s.save();
    const cookie = b.cookie;
    const next = await b.request();
    await assert.rejects(next.set("big", "x".repeat(4000)), (e: Error) => e instanceof SessionTooLargeError && /too large/.test(e.message));
    assert.deepEqual(await next.items(), [["small", "ok"]]);
    await next.save();
    assert.equal(b.cookie, cookie, "no new cookie was sent");
  });

  it("accepts payloads up to the cookie limit", async () => {
    const b = new TestBrowser(await cookieEngine());
    const s = await b.request();
    let size = 1000;
    while (size < 4000) {
      try {
        await s.set("v", "x".repeat(size + 50));
        size += 50;
      } catch {
        break;
      }
    }
    await s.save();
    assert.ok(b.cookie!.length + `${COOKIE_NAME}=`.length <= 4096);
    assert.ok(size >= 2500, `largest accepted value: ${size} characters`);
    console.log(`# cookie engine: largest accepted string value ${size} characters, cookie ${b.cookie!.length} bytes`);
  });

  it("carries the expiry inside the seal: an expired cookie is a fresh session", async () => {
    const b = new TestBrowser(await cookieEngine());
    const s = await b.request();
    await s.set("x", 1);
    await s.setExpiry(new Date(Date.now() - 1000));
    await s.save();
    assert.equal(await (await b.request()).get("x"), undefined);
  });

  it("a cookie sealed by one secret opens after rotating to new,old, and not after old is dropped", async (t) => {
    t.mock.method(console, "warn", () => {});
    const before = new TestBrowser(await cookieEngine([OLD]));
    const s = await before.request();
    await s.set("x", 1);
    await s.save();
    for (const [secrets, expected] of [[[NEW, OLD], 1], [[NEW], undefined]] as const) {
      const after = new TestBrowser(await cookieEngine([...secrets] as [string, ...string[]]));
      after.cookie = before.cookie;
      assert.equal(await (await after.request()).get("x"), expected);
    }
  });

  it("says plainly what it cannot do", async () => {
    const s = await new TestBrowser(await cookieEngine()).request();
    await assert.rejects(s.userSessions(1), SessionEngineUnsupportedError);
    await assert.rejects(s.endOtherUserSessions(1), SessionEngineUnsupportedError);
  });
});
