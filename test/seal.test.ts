import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { keyFromCookie, sealKey } from "../lib/session/cookie";
import { newSessionKey } from "../lib/session/keys";
import type { SecretList } from "../lib/session/secret";

const OLD = "old-secret-0123456789-0123456789-0123";
const NEW = "new-secret-0123456789-0123456789-0123";

describe("sealed key cookie", () => {
  it("round-trips the key, which is 256 bits of randomness", async () => {
    const key = newSessionKey();
    assert.equal(Buffer.from(key, "base64url").length, 32);
    assert.equal(await keyFromCookie(await sealKey(key, [OLD]), [OLD]), key);
  });

  it("still opens after rotating to SESSION_SECRET=new,old, and not after old is dropped", async (t) => {
    t.mock.method(console, "warn", () => {});
    const key = newSessionKey();
    const sealedWithOld = await sealKey(key, [OLD]);
    const rotated: SecretList = [NEW, OLD];
    assert.equal(await keyFromCookie(sealedWithOld, rotated), key);
    const sealedAfterRotation = await sealKey(key, rotated);
    assert.equal(await keyFromCookie(sealedAfterRotation, [NEW]), key, "the first secret seals");
    assert.equal(await keyFromCookie(sealedWithOld, [NEW]), null);
  });

  it("rejects tampered, truncated and foreign seals", async (t) => {
    const warn = t.mock.method(console, "warn", () => {});
    const sealed = await sealKey(newSessionKey(), [OLD]);
    const flipped = sealed.slice(0, 40) + (sealed[40] === "a" ? "b" : "a") + sealed.slice(41);
    for (const bad of [flipped, sealed.slice(0, -5), await sealKey(newSessionKey(), [NEW]), "", "%%%", "x".repeat(5000)]) {
      assert.equal(await keyFromCookie(bad, [OLD]), null);
    }
    assert.ok(warn.mock.calls.every((c) => !String(c.arguments[1]).includes(sealed)), "cookie values are never logged");
  });
});
