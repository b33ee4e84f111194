// Django's messages framework on our sessions (lib/session/messages/), on every engine.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { SessionValueError } from "../lib/session";
import { addMessage, MAX_MESSAGE_LENGTH, MAX_PENDING_MESSAGES, MESSAGE_KEY_PREFIX, signForwarded, takeMessages, verifyForwarded } from "../lib/session/testing";
import { ENGINES } from "./engines";
import { TestBrowser, type EngineFixture, stopRedisServers } from "./harness";

after(stopRedisServers);

for (const kind of ENGINES) {
  describe(`messages: ${kind.name} engine`, () => {
    let engine: EngineFixture;
    before(async () => {
      engine = await kind.create();
    });
    const browser = () => new TestBrowser(engine);
    const serverSideOnly = () => (kind.serverSide ? false : "the cookie engine cannot merge concurrent requests (the last cookie wins)");

    async function added(b: TestBrowser, ...texts: string[]): Promise<void> {
      const s = await b.request();
      for (const text of texts) await addMessage(s, "success", text);
      await s.save();
    }

    async function taken(b: TestBrowser): Promise<string[]> {
      const s = await b.request();
      const messages = await takeMessages(s);
      await s.save();
      return messages.map((m) => m.text);
    }

    it("a message shows once, in the order added, with its level", async () => {
      const b = browser();
      const s = await b.request();
      await addMessage(s, "success", "Build saved.");
      await addMessage(s, "warning", "Careful.");
      await s.save();
      const t = await b.request();
      assert.deepEqual(await takeMessages(t), [
        { level: "success", text: "Build saved." },
        { level: "warning", text: "Careful." },
      ]);
      await t.save();
      assert.deepEqual(await taken(b), [], "a reload shows nothing");
    });

    it("messages live under reserved keys: items() does not list them and the app cannot write them", async () => {
      const b = browser();
      await added(b, "Hello.");
      const s = await b.request();
      assert.deepEqual(await s.keys(), []);
      await assert.rejects(s.set(`${MESSAGE_KEY_PREFIX}x`, { level: "error", text: "forged" }), SessionValueError);
      await assert.rejects(s.delete(`${MESSAGE_KEY_PREFIX}x`), SessionValueError);
    });

    it("a session that held only messages is empty once they are shown", async () => {
      const b = browser();
      await added(b, "Signed out.");
      const s = await b.request();
      await takeMessages(s);
      await s.save();
      assert.equal(b.cookie, undefined, "an emptied session's cookie goes");
      assert.equal(await (await b.request()).isEmpty(), true);
    });

    it("debug is below Django's default MESSAGE_LEVEL (info) and is dropped unless asked for", async () => {
      const b = browser();
      const s = await b.request();
      assert.equal(await addMessage(s, "debug", "noise"), false);
      assert.equal(await addMessage(s, "debug", "wanted", { minimumLevel: "debug" }), true);
      assert.equal(await addMessage(s, "info", "kept"), true);
      await s.save();
      assert.deepEqual(await taken(b), ["wanted", "kept"]);
    });

    it("bad messages are refused with a clear error and store nothing", async () => {
      const b = browser();
      const s = await b.request();
      await assert.rejects(addMessage(s, "loud" as never, "x"), /level must be one of debug, info, success, warning, error/);
      await assert.rejects(addMessage(s, "info", ""), /needs some text/);
      await assert.rejects(addMessage(s, "info", "x".repeat(MAX_MESSAGE_LENGTH + 1)), /at most 500 characters/);
      await assert.rejects(addMessage(s, "info", "\ud800"), SessionValueError);
      assert.equal(s.modified, false);
    });

    it(`at most ${MAX_PENDING_MESSAGES} wait: a newer one pushes out the oldest`, async () => {
      const b = browser();
      const texts = Array.from({ length: MAX_PENDING_MESSAGES + 3 }, (_, i) => `m${i}`);
      await added(b, ...texts);
      assert.deepEqual(await taken(b), texts.slice(3));
    });

    it("text is kept as text: markup is not interpreted here (React escapes it on the page)", async () => {
      const b = browser();
      await added(b, "<script>alert(1)</script>");
      assert.deepEqual(await taken(b), ["<script>alert(1)</script>"]);
    });

    it("two concurrent actions both keep their messages", { skip: serverSideOnly() }, async () => {
      const b = browser();
      await added(b, "first");
      const [one, two] = [await b.request(), await b.request()];
      await one.get("anything"); // both loaded before either saved
      await two.get("anything");
      await addMessage(one, "success", "from one");
      await addMessage(two, "success", "from two");
      await Promise.all([one.save(), two.save()]);
      assert.deepEqual((await taken(b)).sort(), ["first", "from one", "from two"]);
    });

    it("a message added while a page takes them waits for the next page instead of being lost", { skip: serverSideOnly() }, async () => {
      const b = browser();
      await added(b, "old");
      const page = await b.request();
      const shown = await takeMessages(page);
      await added(b, "new");
      await page.save();
      assert.deepEqual(shown.map((m) => m.text), ["old"]);
      assert.deepEqual(await taken(b), ["new"]);
    });

    it("a stored value that is not a message is dropped, not shown", async () => {
      const b = browser();
      const s = await b.request();
      await s.setReserved(`${MESSAGE_KEY_PREFIX}0`, { level: "shout", text: 1 });
      await s.setReserved(`${MESSAGE_KEY_PREFIX}1`, "just text");
      await addMessage(s, "info", "real");
      await s.save();
      assert.deepEqual(await taken(b), ["real"]);
      assert.equal(await (await b.request()).isEmpty(), true);
    });
  });
}

describe("messages handed from the proxy to the render (a proxy step's signed forward)", () => {
  it("round-trip under this process's MAC, bound to the header's name; anything else is nothing", () => {
    const value = JSON.stringify([{ level: "success", text: "Build saved." }]);
    const header = signForwarded("x-session-messages", value);
    assert.equal(verifyForwarded("x-session-messages", header), value);
    assert.equal(verifyForwarded("x-other", header), null, "a value signed for one header does not pass for another");
    const [tag, body] = header.split(".");
    const forgedBody = Buffer.from(JSON.stringify([{ level: "error", text: "forged" }])).toString("base64url");
    for (const bad of [null, "", body, `${tag}.${forgedBody}`, `${tag}.${body}.x`, `x${header}`, `${tag}.${body.slice(1)}`]) {
      assert.equal(verifyForwarded("x-session-messages", bad), null, String(bad));
    }
  });
});
