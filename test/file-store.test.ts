// What is particular to the file engine (the contract and behaviour suites run on it through
// test/engines.ts): counting across processes, locks of killed processes, whole-file writes,
// names and contents free of keys, path-like keys, filesystem faults, the sweep.
import assert from "node:assert/strict";
import { execFile, execFileSync, spawn } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { promisify } from "node:util";
import { ImproperlyConfigured, readSettings, SessionValueError } from "../lib/session";
import { FileStore, hashKey, isUnavailability, newSessionKey, type WriteContext } from "../lib/session/testing";
import { fileEngine, tempDirectory, TestBrowser } from "./harness";

const run = promisify(execFile);
const WORKER = path.join(import.meta.dirname, "file-store-worker.ts");
const ctx = (extra: Partial<WriteContext> = {}): WriteContext => ({ expiresAt: Date.now() + 60_000, maxBytes: 65_536, ...extra });

/** Every file and directory name under `dir`, and every file's contents. */
function walk(dir: string): { names: string[]; contents: string[] } {
  const names: string[] = [];
  const contents: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    names.push(entry.name);
    if (entry.isFile()) contents.push(readFileSync(path.join(entry.parentPath, entry.name), "utf8"));
  }
  return { names, contents };
}

describe("file engine: across processes", () => {
  it("two processes counting 10,000 concurrent increments of one session total exactly 10,000, each value once", async () => {
    const dir = tempDirectory();
    const key = newSessionKey();
    const started = Date.now();
    const outputs = await Promise.all(
      [0, 1].map(() => run(process.execPath, ["--import", "tsx", WORKER, "increment", dir, key, "5000"], { maxBuffer: 1 << 24 })),
    );
    const values = outputs.flatMap(({ stdout }) => JSON.parse(stdout) as number[]);
    console.log(`# 10,000 increments by 2 processes: ${Date.now() - started} ms`);
    assert.equal(values.length, 10_000);
    assert.equal(new Set(values).size, 10_000, "every increment returned its own value");
    const loaded = await new FileStore(dir).load(key);
    assert.equal(loaded.state === "live" && loaded.data.n, 10_000);
  });

  it("a lock held by a process that is killed (SIGKILL) blocks its session for a few seconds at most", async () => {
    const dir = tempDirectory();
    const key = newSessionKey();
    const holder = spawn(process.execPath, ["--import", "tsx", WORKER, "hold", dir, key], { stdio: ["ignore", "pipe", "inherit"] });
    await new Promise<void>((resolve) => holder.stdout.on("data", (chunk: Buffer) => chunk.toString().includes("locked") && resolve()));
    holder.kill("SIGKILL");
    const started = Date.now();
    assert.equal(await new FileStore(dir).increment(key, "n", 1, ctx()), 1);
    const waited = Date.now() - started;
    console.log(`# waited ${waited} ms for a killed process's lock`);
    assert.ok(waited < 6_000, `blocked for ${waited} ms`);
  });
});

describe("file engine: files", () => {
  it("a reader never sees half a file: temp files are never loaded, and loads during large writes are whole", async () => {
    const dir = tempDirectory();
    const store = new FileStore(dir);
    const key = newSessionKey();
    await store.save(key, { set: { v: 0, big: "x".repeat(200_000) }, removed: [], replaceAll: false }, ctx({ maxBytes: 1_000_000 }));
    const file = store.layout.sessionFile(hashKey(key));
    writeFileSync(`${file}.999.deadbeef.tmp`, '{"data":{"v":"torn"'); // a write killed before its rename
    const writes = Array.from({ length: 30 }, (_, i) =>
      store.save(key, { set: { v: i + 1, big: "y".repeat(200_000 + i) }, removed: [], replaceAll: false }, ctx({ maxBytes: 1_000_000 })),
    );
    const loads = Array.from({ length: 200 }, () => store.load(key));
    await Promise.all(writes);
    for (const loaded of await Promise.all(loads)) {
      assert.equal(loaded.state, "live");
      if (loaded.state === "live") assert.equal(typeof loaded.data.v, "number", "never the torn temp file");
    }
  });

  it("no file name or content holds a session key or a cookie value", async () => {
    const engine = await fileEngine();
    const browser = new TestBrowser(engine);
    const s = await browser.request();
    await s.set("cart", ["apple"]);
    await s.save();
    const keys = [s.sessionKey!];
    const signIn = await browser.request();
    await signIn.cycleKey();
    await signIn.setReserved("_auth_user_id", 42);
    await signIn.save();
    keys.push(signIn.sessionKey!);
    await engine.store().users!.list(42, signIn.sessionKey);
    const cookie = browser.cookie!;
    const { names, contents } = walk(engine.directory!);
    assert.ok(names.length > 3, "the scan saw the files");
    for (const secret of [...keys, cookie]) {
      assert.ok(!names.some((name) => name.includes(secret)), "a name holds a key");
      assert.ok(!contents.some((text) => text.includes(secret)), "a file holds a key");
    }
  });

  it("a path-like key is an invalid key: the cookie is refused, the store never makes it a path", async () => {
    const engine = await fileEngine();
    const store = engine.store();
    for (const key of ["../../etc/passwd", "..", "a/b", "/tmp/x", `${"A".repeat(40)}/..`, "..\\..\\x"]) {
      assert.equal((await store.load(key)).state, "missing");
      await assert.rejects(store.save(key, { set: { a: 1 }, removed: [], replaceAll: false }, ctx()), SessionValueError);
      await assert.rejects(store.increment(key, "n", 1, ctx()), SessionValueError);
      assert.equal(await engine.engine.open().cookie.read(key), null, "a cookie value that is a path reads as no key");
    }
    assert.deepEqual(walk(engine.directory!).names, [], "nothing was written");
  });

  it("clearExpired removes expired sessions and tombstones, and temp files and locks left by dead processes; nothing live", async () => {
    const dir = tempDirectory();
    const store = new FileStore(dir);
    const live = newSessionKey();
    await store.save(live, { set: { a: 1 }, removed: [], replaceAll: false }, ctx());
    const expired = Array.from({ length: 5 }, () => newSessionKey());
    for (const key of expired) await store.save(key, { set: { a: 1 }, removed: [], replaceAll: false }, ctx({ expiresAt: Date.now() + 50 }));
    await store.end(expired[0]); // a tombstone
    const bucket = store.layout.bucketOf(hashKey(live));
    const old = new Date(Date.now() - 120_000);
    writeFileSync(path.join(bucket, "leftover.1.aa.tmp"), "{");
    mkdirSync(path.join(bucket, "leftover.lock"));
    for (const name of ["leftover.1.aa.tmp", "leftover.lock"]) utimesSync(path.join(bucket, name), old, old);
    writeFileSync(path.join(bucket, "fresh.1.bb.tmp"), "{"); // a write under way
    await sleep(80);
    assert.equal(await store.clearExpired(3), 3, "at most the limit");
    assert.equal(await store.clearExpired(100), 2);
    for (const key of expired) assert.equal((await store.load(key)).state, "missing");
    assert.equal((await store.load(live)).state, "live");
    const names = walk(dir).names;
    assert.ok(!names.includes("leftover.1.aa.tmp") && !names.includes("leftover.lock"), "leftovers removed");
    assert.ok(names.includes("fresh.1.bb.tmp"), "a temp file of a write under way stays");
    assert.equal(readdirSync(store.layout.anonymousDir).length, 1, "the anonymous index lost the swept sessions");
  });
});

describe("file engine: the sweep's cost", () => {
  it("a sweep passes live sessions by without reading their files (a stat each): 100,000 live sessions cost no parse per interval", async (t) => {
    const dir = tempDirectory();
    const store = new FileStore(dir);
    const keys = Array.from({ length: 200 }, () => newSessionKey());
    for (const key of keys) await store.save(key, { set: { a: 1 }, removed: [], replaceAll: false }, ctx());
    const expired = newSessionKey();
    await store.save(expired, { set: { a: 1 }, removed: [], replaceAll: false }, ctx({ expiresAt: Date.now() + 30 }));
    await sleep(50);
    const reads = t.mock.method(store.layout, "read"); // counted, still run
    assert.equal(await store.clearExpired(1000), 1, "the expired one goes");
    assert.ok(reads.mock.callCount() <= 2, `${reads.mock.callCount()} reads to sweep 200 live sessions and 1 expired (read twice: a glance, then under its lock)`);
    assert.equal((await store.load(keys[0])).state, "live");
  });
});

describe("file engine: locks dated ahead", () => {
  it("a lock left with a time more than a minute ahead (the clock stepped back) is removed by the sweep, freeing its session", async () => {
    const dir = tempDirectory();
    const store = new FileStore(dir);
    const key = newSessionKey();
    await store.save(key, { set: { a: 1 }, removed: [], replaceAll: false }, ctx());
    const lock = `${store.layout.sessionFile(hashKey(key))}.lock`;
    mkdirSync(lock);
    const ahead = new Date(Date.now() + 3_600_000);
    utimesSync(lock, ahead, ahead);
    await store.clearExpired(1000);
    const started = Date.now();
    assert.equal(await store.increment(key, "n", 1, ctx()), 1);
    assert.ok(Date.now() - started < 2_000, `blocked ${Date.now() - started} ms after the sweep`);
  });
});

describe("file engine: the anonymous bound", () => {
  it("past SESSION_ANONYMOUS_MAX_SESSIONS, the index is read once per 2% of the bound's creations, not at each new session", async (t) => {
    const dir = tempDirectory();
    const store = new FileStore(dir, { maxAnonymousSessions: 500 });
    const create = () => store.save(newSessionKey(), { set: { a: 1 }, removed: [], replaceAll: false }, ctx());
    for (let i = 0; i < 500; i++) await create();
    const passes = t.mock.method(store.anonymous, "evictOldest"); // counted, still run
    for (let i = 0; i < 200; i++) await create();
    assert.ok(readdirSync(store.layout.anonymousDir).length <= 500, "the bound holds");
    assert.ok(passes.mock.callCount() <= 200 / 10 + 2, `${passes.mock.callCount()} reads of the index for 200 new sessions`);
  });
});

describe("file engine: faults", () => {
  it("SESSION_FILE_PATH must be an existing, writable directory at start (ImproperlyConfigured naming it)", () => {
    const dir = tempDirectory();
    assert.equal(readSettings({ SESSION_ENGINE: "file", SESSION_FILE_PATH: dir }, ["db", "file"]).filePath, dir);
    for (const bad of [path.join(dir, "missing"), path.join(dir, "a-file")]) {
      writeFileSync(path.join(dir, "a-file"), "");
      assert.throws(() => readSettings({ SESSION_ENGINE: "file", SESSION_FILE_PATH: bad }, ["db", "file"]), (e: Error) => e instanceof ImproperlyConfigured && /SESSION_FILE_PATH/.test(e.message));
    }
    assert.ok(readSettings({ SESSION_ENGINE: "file" }, ["db", "file"]).filePath, "defaults to the OS temp directory");
  });

  it("a removed directory, or a file in its place, is an outage (503), and the store recovers when it is back", async () => {
    const dir = tempDirectory();
    const store = new FileStore(dir);
    const key = newSessionKey();
    await store.save(key, { set: { a: 1 }, removed: [], replaceAll: false }, ctx());
    rmSync(dir, { recursive: true });
    await assert.rejects(store.save(newSessionKey(), { set: { a: 1 }, removed: [], replaceAll: false }, ctx()), isUnavailability);
    await assert.rejects(store.load(key), isUnavailability);
    writeFileSync(dir, "not a directory");
    await assert.rejects(store.increment(key, "n", 1, ctx()), isUnavailability);
    rmSync(dir);
    mkdirSync(dir);
    assert.equal(await store.increment(key, "n", 1, ctx()), 1, "back: writes work again");
  });

  it("subdirectories removed while running (root kept: a temp cleaner, an operator emptying it) are made again: writes work at once", async () => {
    const dir = tempDirectory();
    const store = new FileStore(dir, { maxAnonymousSessions: 1000 });
    const anonymous = newSessionKey();
    const member = newSessionKey();
    await store.save(anonymous, { set: { a: 1 }, removed: [], replaceAll: false }, ctx());
    await store.save(member, { set: { _auth_user_id: 7 }, removed: [], replaceAll: false }, ctx());
    for (const name of readdirSync(dir)) rmSync(path.join(dir, name), { recursive: true });
    assert.equal((await store.load(anonymous)).state, "missing", "its file went with its bucket");
    assert.equal(await store.increment(anonymous, "n", 1, ctx()), 1, "the same bucket again");
    await store.save(newSessionKey(), { set: { a: 1 }, removed: [], replaceAll: false }, ctx());
    await store.save(member, { set: { _auth_user_id: 7, b: 2 }, removed: [], replaceAll: false }, ctx());
    assert.equal((await store.users.list(7, member)).length, 1, "the user's index was made again");
    assert.equal(readdirSync(store.layout.anonymousDir).length, 2, "the anonymous index was made again");
  });

  it("a session file written before the last-seen rename (`updatedAt`) keeps its data, its user, its last seen, and a tombstone stays ended", async () => {
    const dir = tempDirectory();
    const store = new FileStore(dir);
    const [live, ended] = [newSessionKey(), newSessionKey()];
    const lastSeen = Date.now() - 3_600_000;
    // Byte for byte what the file engine wrote at 831f93e (its record's field was `updatedAt`).
    const legacy = (endedAt: number | null) =>
      JSON.stringify({ data: { cart: 3, _auth_user_id: 7 }, expiresAt: Date.now() + 600_000, endedAt, createdAt: lastSeen - 1000, updatedAt: lastSeen, userId: 7, userAgent: "OldBrowser/1", network: null });
    for (const [key, endedAt] of [[live, null], [ended, lastSeen]] as const) {
      const file = store.layout.sessionFile(hashKey(key));
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, legacy(endedAt), { mode: 0o600 });
      mkdirSync(store.layout.userDir(7), { recursive: true });
      writeFileSync(path.join(store.layout.userDir(7), hashKey(key)), "", { mode: 0o600 });
    }
    const loaded = await store.load(live);
    assert.equal(loaded.state, "live", "an upgrade signs no one out");
    assert.deepEqual(loaded.state === "live" && [loaded.data, loaded.lastSeenAt], [{ cart: 3, _auth_user_id: 7 }, lastSeen]);
    assert.equal((await store.load(ended)).state, "ended", "a key signed out before the upgrade stays dead");
    const devices = await store.users.list(7, live);
    assert.deepEqual(devices.map((d) => [d.lastSeenAt.getTime(), d.userAgent, d.current]), [[lastSeen, "OldBrowser/1", true]]);
    assert.equal(await store.increment(live, "cart", 1, ctx()), 4, "written on in the new shape");
    const rewritten = JSON.parse(readFileSync(store.layout.sessionFile(hashKey(live)), "utf8")) as Record<string, unknown>;
    assert.equal(typeof rewritten.lastSeenAt, "number");
    assert.equal(rewritten.updatedAt, undefined);
  });

  it("a session file written by hand (wrong shape) or replaced by a directory loads as missing; a write replaces it; the sweep removes it", async () => {
    const dir = tempDirectory();
    const store = new FileStore(dir);
    const valid = { expiresAt: Date.now() + 60_000, endedAt: null, createdAt: 1, lastSeenAt: 1, userId: null, userAgent: null, network: null };
    const damages: ((file: string) => void)[] = [
      (file) => writeFileSync(file, JSON.stringify({ ...valid, data: null })),
      (file) => writeFileSync(file, JSON.stringify({ ...valid, data: [1, 2] })),
      (file) => writeFileSync(file, JSON.stringify({ ...valid, data: {}, endedAt: "soon" })),
      (file) => writeFileSync(file, JSON.stringify({ ...valid, data: { a: 1 }, anonymous: "../../../x" })),
      (file) => mkdirSync(path.join(file, "inner"), { recursive: true }),
      (file) => symlinkSync(path.join(dir, "elsewhere.json"), file), // another file's data: never followed
    ];
    writeFileSync(path.join(dir, "elsewhere.json"), JSON.stringify({ ...valid, data: { secret: "another's" } }));
    for (const damage of damages) {
      const key = newSessionKey();
      const file = store.layout.sessionFile(hashKey(key));
      mkdirSync(path.dirname(file), { recursive: true });
      damage(file);
      assert.equal((await store.load(key)).state, "missing", String(damage));
      assert.equal(await store.increment(key, "n", 1, ctx()), 1, String(damage));
      assert.equal((await store.load(key)).state, "live", "written whole again");
      const swept = newSessionKey();
      const sweptFile = store.layout.sessionFile(hashKey(swept));
      mkdirSync(path.dirname(sweptFile), { recursive: true });
      damage(sweptFile);
      utimesSync(sweptFile, new Date(0), new Date(0));
      await store.clearExpired(1000);
      assert.ok(!readdirSync(path.dirname(sweptFile)).includes(path.basename(sweptFile)), `the sweep removed it: ${String(damage)}`);
    }
  });

  it("a read-only directory is an outage (503), not a 500 and not a missing session", async (t) => {
    const dir = tempDirectory();
    const inner = new FileStore(dir);
    const key = newSessionKey();
    await inner.save(key, { set: { a: 1 }, removed: [], replaceAll: false }, ctx());
    const readOnly = makeReadOnly(dir);
    if (!readOnly) return t.skip("running as root without the right to mount: a chmod cannot stop root writing");
    try {
      const store = inner;
      await assert.rejects(store.save(newSessionKey(), { set: { a: 1 }, removed: [], replaceAll: false }, ctx()), isUnavailability);
      await assert.rejects(store.increment(key, "n", 1, ctx()), isUnavailability);
      assert.equal((await store.load(key)).state, "live", "reads still work");
    } finally {
      readOnly();
    }
  });

  it("a full disk makes room by evicting anonymous sessions, then refuses (507), signed-in users kept", async (t) => {
    const dir = tempDirectory();
    if (!mountTmpfs(dir, "size=256k")) return t.skip("needs the right to mount a small tmpfs (root with CAP_SYS_ADMIN)");
    try {
      const store = new FileStore(dir);
      const member = newSessionKey();
      await store.save(member, { set: { _auth_user_id: 1 }, removed: [], replaceAll: false }, ctx());
      let refused = 0;
      for (let i = 0; i < 200; i++) {
        await store.save(newSessionKey(), { set: { pad: "p".repeat(8_000) }, removed: [], replaceAll: false }, ctx()).catch((error: Error) => {
          assert.equal(error.name, "SessionStoreFullError", String(error));
          refused++;
        });
      }
      assert.ok(refused < 200, "eviction made room for some");
      assert.equal((await store.load(member)).state, "live", "the signed-in session stays");
      assert.equal(await store.increment(member, "n", 1, ctx()), 1, "a signed-in user still writes: room is made");
    } finally {
      execFileSync("umount", [dir]);
    }
  });
});

/** Mounts a tmpfs on `dir` (root with the right to mount only); whether it did. */
function mountTmpfs(dir: string, options: string): boolean {
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", options, "tmpfs", dir], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** Makes `dir` read-only: chmod 0500 for a user, a read-only bind mount for root; returns how to undo it, or null when it cannot. */
function makeReadOnly(dir: string): (() => void) | null {
  if (process.getuid?.() !== 0) {
    const mode = statSync(dir).mode;
    execFileSync("chmod", ["-R", "a-w", dir]);
    return () => execFileSync("chmod", ["-R", (mode & 0o777).toString(8), dir]);
  }
  try {
    execFileSync("mount", ["--bind", "-o", "ro", dir, dir], { stdio: "ignore" });
    return () => execFileSync("umount", [dir]);
  } catch {
    return null;
  }
}
