import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { sealData, unsealData } from "iron-session";
import { keyFromCookie, sealKey, newSessionKey, type SecretList } from "../lib/session";
import { seal, sealedLength, unseal } from "../lib/session/seal";

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

describe("a seal counts byte for byte", () => {
  const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_*~.+/= 3";

  it("no single changed character, at any position (separators, a MAC's spare bits, the ~2 mark), opens it", async (t) => {
    t.mock.method(console, "warn", () => {});
    const key = newSessionKey();
    const sealed = await sealKey(key, [OLD]);
    let tried = 0;
    for (let i = 0; i < sealed.length; i++) {
      for (const c of ALPHABET) {
        if (c === sealed[i]) continue;
        tried++;
        assert.equal(await keyFromCookie(sealed.slice(0, i) + c + sealed.slice(i + 1), [OLD]), null, `position ${i} → ${JSON.stringify(c)}`);
      }
    }
    assert.ok(tried > sealed.length * 60, `${tried} mutations`);
    assert.equal(await keyFromCookie(sealed, [OLD]), key, "the original still opens");
  });

  it("nothing appended or cut opens it", async (t) => {
    t.mock.method(console, "warn", () => {});
    const sealed = await sealKey(newSessionKey(), [OLD]);
    for (const extra of [...ALPHABET, "~2", "~3", "~2~2", "%00", "\u00e9"]) {
      assert.equal(await keyFromCookie(sealed + extra, [OLD]), null, `appended ${JSON.stringify(extra)}`);
      assert.equal(await keyFromCookie(extra + sealed, [OLD]), null, `prepended ${JSON.stringify(extra)}`);
    }
    for (let cut = 1; cut < sealed.length; cut++) {
      assert.equal(await keyFromCookie(sealed.slice(0, -cut), [OLD]), null, `${cut} cut from the end`);
      assert.equal(await keyFromCookie(sealed.slice(cut), [OLD]), null, `${cut} cut from the start`);
    }
  });
});

describe("iron-session's format, sealed with node:crypto", () => {
  const SECRET = "interop-secret-0123456789-0123456789";
  const PAYLOAD = { k: newSessionKey(), d: { num_visits: 3, name: "Zoë ✓" }, t: 1_700_000_000_000 };

  it("iron-session opens our seals, and we open iron-session's", async () => {
    const ours = await seal(PAYLOAD, [SECRET]);
    const id = ours.split("*")[1];
    assert.deepEqual(await unsealData(ours, { password: { [id]: SECRET }, ttl: 0 }), PAYLOAD);
    const theirs = await sealData(PAYLOAD, { password: { [id]: SECRET }, ttl: 0 });
    assert.match(theirs, /^Fe26\.2\*\d+\*[0-9a-f]{64}\*/);
    assert.deepEqual(await unseal(theirs, [SECRET]), PAYLOAD);
  });

  it("a seal of the wrong secret under our id does not open", async () => {
    const id = (await seal(PAYLOAD, [SECRET])).split("*")[1];
    const forged = await sealData(PAYLOAD, { password: { [id]: "another-secret-0123456789-0123456789" }, ttl: 0 });
    assert.equal(await unseal(forged, [SECRET]), null);
  });

  it("sealedLength is the length of the seal, for any size of payload", async () => {
    for (let n = 0; n < 200; n++) {
      const data = { k: "x".repeat(43), d: { v: "é".repeat(n % 7) + "a".repeat(n) }, t: Date.now() };
      assert.equal(sealedLength(data, [SECRET]), (await seal(data, [SECRET])).length, `payload ${n}`);
    }
  });
});
