// Resource budgets per client (issue 21, items 3 and 4): what one client, or many, can take of the
// sign-in throttle's table and of the password-hashing line, and that no flood resets a limit or
// starves another user. Real scrypt and a real libSQL file for the hashing line.
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { hashingQueue, JobQueue, QueueFullError } from "../lib/auth/hashing-queue";
import { isQueueFullError } from "../lib/auth/password";
import { deviceProof, isDeviceCookieOf } from "../lib/auth/device-proof";
import { SignInThrottle, THROTTLE_DEFAULTS } from "../lib/auth/throttle";
import { authenticate } from "../lib/auth/users";
import type { Database } from "../lib/db/client";
import { DEMO_USER, seedDemoData } from "../lib/db/seed";
import { tempDatabase } from "./harness";

const T0 = Date.UTC(2026, 0, 1);
const OVER_LONG = "x".repeat(4097);

/** Distinct addresses, as a client with many (or a botnet) has. */
const address = (i: number) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;

describe("throttle: no flood resets a limit", () => {
  it("an account's limit survives 10,000 cheap failures under over-long usernames (the reported attack)", () => {
    const throttle = new SignInThrottle();
    for (let i = 0; i < 10; i++) throttle.recordFailure({ client: `192.0.2.${i}`, username: "john_doe" }, T0);
    const limited = throttle.check({ client: "198.51.100.1", username: "john_doe" }, T0);
    assert.equal(limited.allowed, false, "10 failures: the account waits");
    for (let i = 0; i < 10_000; i++) throttle.recordFailure({ client: address(i), username: `${OVER_LONG}${i}` }, T0 + 1);
    assert.deepEqual(throttle.check({ client: "198.51.100.1", username: "john_doe" }, T0 + 1), limited, "still waits, as long");
  });

  it("an account's limit survives 30,000 failures under distinct ordinary usernames from distinct clients", () => {
    const throttle = new SignInThrottle();
    for (let i = 0; i < 10; i++) throttle.recordFailure({ client: `192.0.2.${i}`, username: "john_doe" }, T0);
    for (let i = 0; i < 30_000; i++) throttle.recordFailure({ client: address(i), username: `spray-${i}` }, T0 + 1);
    assert.equal(throttle.check({ client: "198.51.100.1", username: "john_doe" }, T0 + 2).allowed, false);
  });

  it("partial counts are not reset either: 9 failures, a flood, and the 10th failure limits", () => {
    const throttle = new SignInThrottle();
    for (let i = 0; i < 9; i++) throttle.recordFailure({ client: `192.0.2.${i}`, username: "john_doe" }, T0);
    for (let i = 0; i < 30_000; i++) throttle.recordFailure({ client: address(i), username: `spray-${i}` }, T0 + 1);
    // From a client the table knows (a newcomer would share a bucket with the flood's clients, and wait).
    assert.equal(throttle.check({ client: "192.0.2.0", username: "john_doe" }, T0 + 2).allowed, true);
    throttle.recordFailure({ client: "192.0.2.0", username: "john_doe" }, T0 + 2);
    assert.equal(throttle.check({ client: "192.0.2.1", username: "john_doe" }, T0 + 2).allowed, false);
  });

  it("a client's limit survives a flood of 30,000 other clients", () => {
    const throttle = new SignInThrottle();
    for (let i = 0; i < 5; i++) throttle.recordFailure({ client: "203.0.113.9", username: `guess-${i}` }, T0);
    for (let i = 0; i < 30_000; i++) throttle.recordFailure({ client: address(i), username: `spray-${i}` }, T0 + 1);
    assert.equal(throttle.check({ client: "203.0.113.9", username: "someone" }, T0 + 2).allowed, false);
  });

  it("while the table is full of live entries, a newcomer gets no fresh guesses, and memory stays bounded", () => {
    const throttle = new SignInThrottle();
    for (let i = 0; i < 30_000; i++) throttle.recordFailure({ client: address(i), username: `spray-${i}` }, T0);
    assert.ok(throttle.size <= 2 * THROTTLE_DEFAULTS.maxEntries, `${throttle.size} entries`);
    // A new account, guessed from fresh clients: refused after at most its own 10 failures.
    let allowed = 0;
    for (let i = 0; i < 50; i++) {
      const attempt = { client: address(100_000 + i), username: "newcomer" };
      if (!throttle.check(attempt, T0 + 1).allowed) break;
      allowed++;
      throttle.recordFailure(attempt, T0 + 1);
    }
    assert.ok(allowed <= THROTTLE_DEFAULTS.accountThreshold, `${allowed} guesses`);
    assert.ok(throttle.size <= 2 * THROTTLE_DEFAULTS.maxEntries);
  });

  it("usernames refused before hashing count against the client only", () => {
    const throttle = new SignInThrottle();
    throttle.recordFailure({ client: "203.0.113.10", username: OVER_LONG }, T0);
    assert.equal(throttle.size, 1, "the client's entry, no account's");
  });
});

/** A job that runs until released. */
function gate() {
  let release!: () => void;
  const done = new Promise<void>((resolve) => (release = resolve));
  return { done, release };
}

describe("hashing line: per-client budgets", () => {
  it("a client has at most 2 waiting; another client still gets in", async () => {
    const queue = new JobQueue(1, 32, 2);
    const held = gate();
    const running = queue.run(() => held.done, "flood");
    const waiting = [queue.run(async () => "f1", "flood"), queue.run(async () => "f2", "flood")];
    await assert.rejects(queue.run(async () => "f3", "flood"), QueueFullError);
    const user = queue.run(async () => "user", "user");
    assert.equal(queue.queued, 3);
    held.release();
    await running;
    assert.deepEqual(await Promise.all([...waiting, user]), ["f1", "f2", "user"]);
  });

  it("clients are served in turn: a newcomer waits for at most one job of each client ahead", async () => {
    const queue = new JobQueue(1, 32, 2);
    const held = gate();
    const order: string[] = [];
    const job = (name: string) => async () => void order.push(name);
    const running = queue.run(() => held.done, "a");
    const jobs = [queue.run(job("a1"), "a"), queue.run(job("a2"), "a"), queue.run(job("b1"), "b"), queue.run(job("b2"), "b"), queue.run(job("u"), "u")];
    held.release();
    await Promise.all([running, ...jobs]);
    assert.deepEqual(order, ["a1", "b1", "u", "a2", "b2"]);
  });

  it("a full line: a rare client takes the place of a flooding client's newest job, never the other way round", async () => {
    const queue = new JobQueue(1, 4, 2);
    const held = gate();
    const running = queue.run(() => held.done, "x");
    const settled = (p: Promise<unknown>) => p.then(() => "ran", (e: unknown) => (e instanceof QueueFullError ? "refused" : "error"));
    // Many flooding clients, each having asked often: every slot taken by one of them.
    for (let round = 0; round < 5; round++) for (const c of ["c1", "c2", "c3", "c4"]) void settled(queue.run(async () => {}, c));
    assert.equal(queue.queued, 4);
    const user = settled(queue.run(async () => {}, "user"));
    assert.equal(queue.queuedFor("user"), 1, "the user got in");
    // The flood goes on: none of it displaces the user's one job.
    for (let round = 0; round < 5; round++) for (const c of ["c1", "c2", "c3", "c4", "c5"]) void settled(queue.run(async () => {}, c));
    assert.equal(queue.queuedFor("user"), 1);
    held.release();
    await running;
    assert.equal(await user, "ran");
  });
});

describe("hashing line under a flood, real scrypt (sign-in of a real user)", () => {
  let db: Database;
  before(async () => {
    ({ db } = await tempDatabase());
    await seedDemoData(db);
  });

  /** Wrong passwords under distinct usernames, ~`perSecond` a second, from `clients`, until stopped. */
  function flood(clients: string[], perSecond: number) {
    let stop = false;
    let sent = 0;
    const done = (async () => {
      const inFlight: Promise<unknown>[] = [];
      while (!stop) {
        const client = clients[sent % clients.length]!;
        inFlight.push(authenticate(db, `spray-${sent++}`, "wrong", client).catch(() => null));
        await new Promise((resolve) => setTimeout(resolve, 1000 / perSecond));
      }
      await Promise.all(inFlight);
    })();
    return { stop: async () => ((stop = true), await done), sent: () => sent };
  }

  async function realUser(rounds: number) {
    const latencies: number[] = [];
    let signedIn = 0;
    for (let i = 0; i < rounds; i++) {
      const start = performance.now();
      try {
        if (await authenticate(db, DEMO_USER.username, DEMO_USER.password, "198.51.100.7")) signedIn++;
      } catch (error) {
        if (!isQueueFullError(error)) throw error;
      }
      latencies.push(performance.now() - start);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    latencies.sort((a, b) => a - b);
    return { signedIn, median: latencies[Math.floor(rounds / 2)]!, max: latencies.at(-1)! };
  }

  for (const [label, clients] of [
    ["one client", ["203.0.113.66"]],
    ["20 clients", Array.from({ length: 20 }, (_, i) => address(50_000 + i))],
  ] as const) {
    it(`a real user signs in at least 9 times out of 10 while ${label} sends ~100 wrong passwords a second`, async () => {
      const attack = flood([...clients], 100);
      await new Promise((resolve) => setTimeout(resolve, 500)); // the line fills
      const user = await realUser(10);
      await attack.stop();
      console.log(`# flood from ${label}: ${attack.sent()} attempts; real user signed in ${user.signedIn}/10, latency median ${user.median.toFixed(0)} ms, max ${user.max.toFixed(0)} ms`);
      assert.ok(user.signedIn >= 9, `signed in ${user.signedIn} of 10`);
      assert.equal(hashingQueue.running, 0);
    });
  }
});

describe("known devices (a device cookie: lib/auth/device-proof.ts)", () => {
  const SECRETS = ["device-cookie-test-secret-0123456789abcdef"] as const;

  it("no one else's failures, from however many addresses, lock a known device out of its account; its own failures count against its client only", () => {
    const throttle = new SignInThrottle();
    // The review's attack: one wrong password per address, waiting out each delay, for long enough to reach the longest wait.
    for (let i = 0; i < 30; i++) throttle.recordFailure({ client: address(i), username: "john_doe" }, T0 + i * 1000);
    const now = T0 + 31_000;
    assert.equal(throttle.check({ client: "203.0.113.50", username: "john_doe" }, now).allowed, false, "a new browser waits out the account's limit");
    assert.equal(throttle.check({ client: "203.0.113.50", username: "John_Doe", knownDevice: true }, now).allowed, true, "the owner's browser does not");
    for (let i = 0; i < 5; i++) throttle.recordFailure({ client: "203.0.113.60", username: "someone", knownDevice: true }, now + i);
    assert.equal(throttle.check({ client: "198.51.100.1", username: "someone" }, now + 10).allowed, true, "a known device's failures left the account alone");
    assert.equal(throttle.check({ client: "203.0.113.60", username: "someone", knownDevice: true }, now + 10).allowed, false, "they count against its client");
  });

  it("a known device's check gets into a line full of other clients' checks, and none displaces it", async () => {
    const queue = new JobQueue(1, 4, 2);
    const held = gate();
    const running = queue.run(() => held.done, "x");
    const settled = (p: Promise<unknown>) => p.then(() => "ran", (e: unknown) => (e instanceof QueueFullError ? "refused" : "error"));
    // As many one-job clients as the line holds: a newcomer of equal weight displaces none of them.
    for (const c of ["c1", "c2", "c3", "c4"]) void settled(queue.run(async () => {}, c));
    assert.equal(await settled(queue.run(async () => {}, "user")), "refused", "an unknown newcomer waits its turn elsewhere");
    const owner = settled(queue.run(async () => {}, "owner", true));
    for (const c of ["c5", "c6", "c7", "c8", "c9"]) void settled(queue.run(async () => {}, c));
    held.release();
    await running;
    assert.equal(await owner, "ran");
  });

  it("the cookie is a MAC of the account: the same account in any case, never another's, never without the secret; old secrets still open it", () => {
    const value = deviceProof("john_doe", SECRETS[0]);
    assert.equal(isDeviceCookieOf(value, "John_Doe", SECRETS), true);
    assert.equal(isDeviceCookieOf(value, "jane", SECRETS), false);
    assert.equal(isDeviceCookieOf(value, "john_doe", ["another-secret-0123456789abcdef0123456789"]), false);
    assert.equal(isDeviceCookieOf(value, "john_doe", ["new-secret-0123456789abcdef0123456789", SECRETS[0]]), true);
    assert.equal(isDeviceCookieOf(undefined, "john_doe", SECRETS), false);
    assert.equal(isDeviceCookieOf(value.slice(0, -1) + (value.endsWith("A") ? "B" : "A"), "john_doe", SECRETS), false);
  });
});
