import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { describe, it } from "node:test";
import { sealData, unsealData } from "iron-session";
import type { SecretList } from "../lib/session";
import { CookieStore, keyFromCookie, sealKey, newSessionKey, seal, sealedLength, unseal } from "../lib/session/testing";

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

describe("seals: iron-session's, and their length without sealing", () => {
  const SECRET = "interop-secret-0123456789-0123456789";
  const idOf = (sealed: string) => sealed.split("*")[1];

  it("iron-session opens our seals, and we open iron-session's", async () => {
    const key = newSessionKey();
    const ours = await sealKey(key, [SECRET]);
    const opened = await unsealData<{ k: string; t: number }>(ours, { password: { [idOf(ours)]: SECRET }, ttl: 0 });
    assert.equal(opened.k, key);
    assert.equal(typeof opened.t, "number");
    const theirs = await sealData({ k: key, t: Date.now() }, { password: { [idOf(ours)]: SECRET }, ttl: 0 });
    assert.notEqual(theirs, ours);
    assert.equal(await keyFromCookie(theirs, [SECRET]), key);
  });

  it("a seal made with another secret under our id does not open", async (t) => {
    t.mock.method(console, "warn", () => {});
    const key = newSessionKey();
    const id = idOf(await sealKey(key, [SECRET]));
    const forged = await sealData({ k: key, t: Date.now() }, { password: { [id]: "another-secret-0123456789-0123456789" }, ttl: 0 });
    assert.equal(await keyFromCookie(forged, [SECRET]), null);
  });

  it("sealedLength is the length of the seal iron-session makes, for every payload size and character width", async () => {
    for (let n = 0; n < 600; n += 7) {
      for (const ch of ["a", "\u00e9", "\u20ac", "\u{1F600}"]) {
        const data = { k: ch.repeat(n), t: 1_700_000_000_000 + n };
        assert.equal(sealedLength(data, [SECRET]), (await seal(data, [SECRET])).length, `${n} × ${JSON.stringify(ch)}`);
      }
    }
  });

  it("the cookie engine's size check accepts exactly what fits in the cookie it then writes", async () => {
    const store = new CookieStore([SECRET], "sessionid");
    const ctx = { expiresAt: Date.now() + 60_000, maxBytes: 65_536 };
    for (let n = 2_700; n < 3_000; n += 1) {
      const data = { v: "a".repeat(n) };
      const accepted = await store.assertFits(data).then(() => true, () => false);
      const key = newSessionKey();
      const saved = await store.save(key, { set: data, removed: [], replaceAll: true }, ctx).then(() => true, () => false);
      assert.equal(accepted, saved, `a value of ${n} characters`);
      if (saved) assert.ok("sessionid=".length + (await store.cookie.write(key)).length <= 4096);
    }
  });
});

describe("opened seals are one cache per process", () => {
  // Next loads the proxy and the pages as separate bundles, each with its own copy of seal.ts
  // and its own secret list: two imports under different URLs are two such copies.
  // (The URL is built so that the module itself, not the testing entry point, is copied.)
  const copy = async (bundle: string) =>
    (await import(new URL(`../lib/session/seal.ts?bundle=${bundle}`, import.meta.url).href)) as Pick<typeof import("../lib/session/testing"), "seal" | "unseal">;

  it("a seal made in the proxy's bundle opens in the page's without crypto", async (t) => {
    const [proxyBundle, pageBundle] = [await copy("proxy"), await copy("page")];
    assert.notEqual(proxyBundle.unseal, pageBundle.unseal, "two copies of the module");
    const sealed = await proxyBundle.seal({ count: 7 }, [NEW, OLD]);
    const derivations = t.mock.method(globalThis.crypto.subtle, "deriveBits");
    assert.deepEqual(await pageBundle.unseal(sealed, [NEW, OLD]), { count: 7 });
    assert.equal(derivations.mock.callCount(), 0, "the page's copy opened it from the proxy's cache");
    assert.deepEqual(await pageBundle.unseal(sealed, [NEW]), { count: 7 });
    assert.ok(derivations.mock.callCount() > 0, "another secret list has a cache of its own");
  });

  it("a seal opened under [new, old] in one bundle does not open under [new] in another", async () => {
    const [routeBundle, pageBundle] = [await copy("route"), await copy("page-after-rotation")];
    const sealedWithOld = await routeBundle.seal({ count: 1 }, [OLD]);
    assert.deepEqual(await routeBundle.unseal(sealedWithOld, [NEW, OLD]), { count: 1 });
    const reasons: string[] = [];
    assert.equal(await pageBundle.unseal(sealedWithOld, [NEW], (reason) => reasons.push(reason)), null);
    assert.deepEqual(reasons, ["unknown-password"]);
  });

  it("what a caller gets is its own: changing it in place changes no later opening", async () => {
    const sealed = await seal({ cart: { items: ["cpu"] } }, [NEW]);
    // [NEW] finds what seal() cached; [NEW, OLD] is another list, so its first opening unseals.
    for (const secrets of [[NEW], [NEW, OLD]] as const) {
      for (let opening = 0; opening < 2; opening++) {
        const data = (await unseal(sealed, secrets)) as { cart: { items: string[] } };
        assert.deepEqual(data.cart.items, ["cpu"]);
        data.cart.items.push("stolen");
      }
    }
  });

  it("a cached seal costs its text, not the objects its JSON describes", () => {
    // 3,000 cookie-sized payloads of 900 empty objects each: ~175 MB of heap if the opened objects were kept.
    const fill = `
      const { seal, unseal } = await import("./lib/session/testing.ts");
      const payload = { v: Array.from({ length: 900 }, () => ({})) };
      globalThis.gc(); const before = process.memoryUsage().heapUsed;
      for (let i = 0; i < 3000; i++) await unseal(await seal({ ...payload, i }, ["${NEW}"]), ["${NEW}"]);
      globalThis.gc(); console.log(Math.round((process.memoryUsage().heapUsed - before) / 1048576));`;
    const grownMb = Number(execFileSync(process.execPath, ["--expose-gc", "--import", "tsx", "--input-type=module", "-e", fill], { encoding: "utf8" }));
    assert.ok(grownMb < 40, `the cache of 3,000 opened seals holds ${grownMb} MB`);
  });
});
