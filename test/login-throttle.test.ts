// Sign-in throttling (lib/auth/throttle.ts) and the bounded password-hashing line (lib/auth/hashing-queue.ts).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { hashingQueue, isQueueFullError, JobQueue, QueueFullError } from "../lib/auth/hashing-queue";
import { decoyHash, hashPassword, verifyPassword } from "../lib/auth/password";
import { accountKey, clientKey, SignInThrottle } from "../lib/auth/throttle";

const T0 = Date.UTC(2026, 0, 1);
const SECOND = 1000;
const MINUTE = 60 * SECOND;

function refused(seconds: number) {
  return { allowed: false, retryAfterSeconds: seconds };
}
const ALLOWED = { allowed: true };

/** `count` failures from `client`, each on its own username (so only the client counter fills). */
function failFrom(throttle: SignInThrottle, client: string, count: number, now: number, prefix = "user") {
  for (let i = 0; i < count; i++) throttle.recordFailure({ client, username: `${prefix}-${i}` }, now);
}

describe("sign-in throttle: keys", () => {
  it("accounts are case-insensitive, NFKC-normalised and trimmed; long names are hashed", () => {
    assert.equal(accountKey("  John_Doe\t"), "john_doe");
    assert.equal(accountKey("ｊｏｈｎ＿ｄｏｅ"), "john_doe"); // fullwidth forms
    assert.equal(accountKey("\u3000john_doe"), "john_doe"); // ideographic space becomes a plain one under NFKC
    const long = accountKey("x".repeat(151));
    assert.match(long, /^sha256:[0-9a-f]{64}$/);
    assert.equal(accountKey("X".repeat(151)), long);
    assert.equal(accountKey("x".repeat(150)), "x".repeat(150));
  });

  it("clients: IPv4 as is, IPv4-mapped unwrapped, IPv6 by its /64", () => {
    assert.equal(clientKey(" 203.0.113.7 "), "203.0.113.7");
    assert.equal(clientKey("::ffff:203.0.113.7"), "203.0.113.7");
    assert.equal(clientKey("203.0.113.7:51234"), "203.0.113.7");
    assert.equal(clientKey("2001:db8:1:2::1"), "2001:db8:1:2::/64");
    assert.equal(clientKey("[2001:DB8:1:2:ffff:eeee:dddd:cccc]:443"), "2001:db8:1:2::/64");
    assert.equal(clientKey("2001:0db8:0001:0002:0:0:0:9%eth0"), "2001:db8:1:2::/64");
    assert.equal(clientKey("::1"), "0:0:0:0::/64");
    assert.notEqual(clientKey("2001:db8:1:3::1"), clientKey("2001:db8:1:2::1"));
    assert.equal(clientKey("unknown"), "unknown");
    assert.match(clientKey("z".repeat(500)), /^sha256:/);
  });
});

describe("sign-in throttle: the rule", () => {
  it("a client gets 5 failures, then waits; other clients are unaffected", () => {
    const throttle = new SignInThrottle();
    failFrom(throttle, "198.51.100.1", 4, T0);
    assert.deepEqual(throttle.check({ client: "198.51.100.1", username: "someone" }, T0), ALLOWED);
    failFrom(throttle, "198.51.100.1", 1, T0, "fifth");
    assert.deepEqual(throttle.check({ client: "198.51.100.1", username: "someone" }, T0), refused(1));
    assert.deepEqual(throttle.check({ client: "198.51.100.2", username: "someone" }, T0), ALLOWED);
    assert.deepEqual(throttle.check({ client: "198.51.100.1", username: "someone" }, T0 + SECOND), ALLOWED);
  });

  it("an account gets 10 failures from any clients, then waits, whatever client asks", () => {
    const throttle = new SignInThrottle();
    for (let i = 0; i < 9; i++) throttle.recordFailure({ client: `10.0.0.${i}`, username: "john_doe" }, T0);
    assert.deepEqual(throttle.check({ client: "10.0.1.1", username: "john_doe" }, T0), ALLOWED);
    throttle.recordFailure({ client: "10.0.0.9", username: " JOHN_DOE " }, T0);
    assert.deepEqual(throttle.check({ client: "10.0.1.1", username: "John_Doe" }, T0), refused(1));
    assert.deepEqual(throttle.check({ client: "10.0.1.1", username: "jane_roe" }, T0), ALLOWED, "another account");
    assert.deepEqual(throttle.check({ client: "10.0.1.1", username: "john_doe" }, T0 + SECOND), ALLOWED);
  });

  it("each further failure doubles the wait, counted from the last failure, up to 15 minutes", () => {
    const throttle = new SignInThrottle();
    const client = "192.0.2.10";
    failFrom(throttle, client, 5, T0, "start");
    let now = T0;
    const waits: number[] = [];
    for (let k = 0; k <= 10; k++) {
      const decision = throttle.check({ client, username: `next-${k}` }, now);
      assert.equal(decision.allowed, false);
      if (decision.allowed) return;
      waits.push(decision.retryAfterSeconds);
      assert.deepEqual(throttle.check({ client, username: `next-${k}` }, now + decision.retryAfterSeconds * SECOND - 1), refused(1));
      now += decision.retryAfterSeconds * SECOND; // the attempt waits exactly as long as it was told
      assert.deepEqual(throttle.check({ client, username: `next-${k}` }, now), ALLOWED);
      throttle.recordFailure({ client, username: `next-${k}` }, now);
    }
    assert.deepEqual(waits, [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 900], "2^10 s is capped at 15 minutes");
    // Waiting out the cap also waits out the 15-minute window: that last failure began a fresh count.
    failFrom(throttle, client, 3, now, "fresh");
    assert.deepEqual(throttle.check({ client, username: "again" }, now), ALLOWED, "4 failures");
    failFrom(throttle, client, 1, now, "fifth");
    assert.deepEqual(throttle.check({ client, username: "again" }, now), refused(1));
  });

  it("the cap holds while the count keeps growing (a window longer than the cap)", () => {
    const throttle = new SignInThrottle({ windowMs: 60 * MINUTE });
    const client = "192.0.2.11";
    failFrom(throttle, client, 5 + 20, T0);
    assert.deepEqual(throttle.check({ client, username: "x" }, T0), refused(900));
    assert.deepEqual(throttle.check({ client, username: "x" }, T0 + 15 * MINUTE), ALLOWED);
  });

  it("attempts refused while throttled neither hash nor extend the wait", () => {
    const throttle = new SignInThrottle();
    const attempt = { client: "192.0.2.20", username: "john_doe" };
    failFrom(throttle, attempt.client, 6, T0); // wait 2 s from T0
    for (let ms = 0; ms < 2 * SECOND; ms += 50) {
      const started = throttle.start(attempt, T0 + ms);
      assert.equal(started.allowed, false, `hammering at +${ms} ms`);
    }
    assert.deepEqual(throttle.check(attempt, T0 + 2 * SECOND), ALLOWED, "the wait still ends 2 s after the last real failure");
    // And the account, which was never actually tried, has no count at all.
    for (let i = 0; i < 9; i++) throttle.recordFailure({ client: `203.0.113.${i}`, username: "john_doe" }, T0);
    assert.deepEqual(throttle.check({ client: "203.0.113.99", username: "john_doe" }, T0), ALLOWED);
  });

  it("a success clears the client's and the account's counters", () => {
    const throttle = new SignInThrottle();
    const attempt = { client: "192.0.2.30", username: "john_doe" };
    for (let i = 0; i < 4; i++) throttle.recordFailure(attempt, T0);
    for (let i = 0; i < 6; i++) throttle.recordFailure({ client: `198.18.0.${i}`, username: "john_doe" }, T0);
    throttle.recordSuccess({ client: attempt.client, username: "JOHN_DOE" });
    assert.equal(throttle.size, 6, "only the other clients' counters are left");
    failFrom(throttle, attempt.client, 4, T0);
    assert.deepEqual(throttle.check(attempt, T0), ALLOWED, "four fresh failures, under the limit");
    for (let i = 0; i < 9; i++) throttle.recordFailure({ client: `198.19.0.${i}`, username: "john_doe" }, T0);
    assert.deepEqual(throttle.check({ client: "198.20.0.1", username: "john_doe" }, T0), ALLOWED, "the account starts over too");
  });

  it("counters lapse 15 minutes after the last failure", () => {
    const history = () => {
      const throttle = new SignInThrottle();
      failFrom(throttle, "192.0.2.40", 4, T0);
      failFrom(throttle, "192.0.2.40", 4, T0 + 14 * MINUTE, "later"); // 8 failures: the window runs from the last one
      return throttle;
    };
    const attempt = { client: "192.0.2.40", username: "x" };
    assert.deepEqual(history().check(attempt, T0 + 14 * MINUTE), refused(8));

    const justBefore = history();
    assert.deepEqual(justBefore.check(attempt, T0 + 29 * MINUTE - 1), ALLOWED, "the wait is over");
    justBefore.recordFailure(attempt, T0 + 29 * MINUTE - 1);
    assert.deepEqual(justBefore.check(attempt, T0 + 29 * MINUTE - 1), refused(16), "but the count was still 8: now 9");

    const after = history();
    after.recordFailure(attempt, T0 + 29 * MINUTE);
    assert.deepEqual(after.check(attempt, T0 + 29 * MINUTE), ALLOWED, "the count started over: 1");
  });

  it("stays bounded: 100,000 distinct clients and usernames, and no count is dropped to make room", () => {
    const throttle = new SignInThrottle();
    for (let i = 0; i < 100_000; i++) {
      throttle.recordFailure({ client: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, username: `spray-${i}` }, T0 + i);
      if (i % 10_000 === 0) assert.ok(throttle.size <= 20_000);
    }
    assert.equal(throttle.size, 20_000, "10,000 clients and 10,000 accounts (the rest in shared buckets)");
    // The oldest keep their counts: client #0 had 1 failure, 4 more make 5.
    failFrom(throttle, "10.0.0.0", 4, T0 + 100_000);
    assert.equal(throttle.check({ client: "10.0.0.0", username: "x" }, T0 + 100_000).allowed, false);
    // The newest share buckets with the flood: no fresh guesses.
    assert.equal(throttle.check({ client: "10.1.134.159", username: "x" }, T0 + 100_000).allowed, false);
    assert.ok(throttle.size <= 20_000);
  });

  it("lapsed entries at the old end are dropped as new ones come", () => {
    const throttle = new SignInThrottle();
    for (let i = 0; i < 1000; i++) throttle.recordFailure({ client: `10.9.${i >> 8}.${i & 255}`, username: `old-${i}` }, T0);
    assert.equal(throttle.size, 2000);
    throttle.recordFailure({ client: "10.10.0.1", username: "new" }, T0 + 15 * MINUTE);
    assert.equal(throttle.size, 2);
  });
});

describe("sign-in throttle: attempts in flight", () => {
  it("a burst of parallel attempts gets no more tries than a sequence", () => {
    const throttle = new SignInThrottle();
    const started = Array.from({ length: 50 }, (_, i) => throttle.start({ client: "192.0.2.50", username: `u${i}` }, T0));
    const allowed = started.filter((s) => s.allowed);
    assert.equal(allowed.length, 5);
    assert.deepEqual(started[5], refused(1), "told to come back once the checks in flight are done");
    for (const s of allowed) if (s.allowed) s.ticket.fail(T0 + 100);
    assert.deepEqual(throttle.check({ client: "192.0.2.50", username: "u" }, T0 + 100), refused(1));
    // Once throttled and the wait is over: one at a time.
    const one = throttle.start({ client: "192.0.2.50", username: "a" }, T0 + 1100);
    const two = throttle.start({ client: "192.0.2.50", username: "b" }, T0 + 1100);
    assert.equal(one.allowed, true);
    assert.deepEqual(two, refused(1));
  });

  it("an abandoned attempt counts nothing; a ticket reports once", () => {
    const throttle = new SignInThrottle();
    const attempt = { client: "192.0.2.60", username: "john_doe" };
    for (let i = 0; i < 10; i++) {
      const s = throttle.start(attempt, T0);
      assert.equal(s.allowed, true);
      if (!s.allowed) return;
      s.ticket.abandon();
      s.ticket.fail(T0); // ignored: already reported
    }
    assert.equal(throttle.size, 0, "nothing left to track");
    assert.deepEqual(throttle.check(attempt, T0), ALLOWED);
    const s = throttle.start(attempt, T0);
    if (!s.allowed) return assert.fail("allowed");
    s.ticket.succeed();
    assert.equal(throttle.size, 0);
  });

  it("an attempt that never reports stops counting as in flight after a minute", () => {
    const throttle = new SignInThrottle();
    for (let i = 0; i < 5; i++) throttle.start({ client: "192.0.2.70", username: `u${i}` }, T0);
    assert.equal(throttle.check({ client: "192.0.2.70", username: "v" }, T0 + 59 * SECOND).allowed, false);
    assert.equal(throttle.check({ client: "192.0.2.70", username: "v" }, T0 + 60 * SECOND).allowed, true);
  });
});

/** A job that runs until released, counting how many run at once. */
function gate() {
  let release!: () => void;
  const done = new Promise<void>((resolve) => (release = resolve));
  return { done, release };
}

describe("hashing queue", () => {
  it("runs one job at a time, first come first served (one client per job)", async () => {
    const queue = new JobQueue(1, 16);
    let running = 0;
    let most = 0;
    const order: number[] = [];
    const jobs = Array.from({ length: 17 }, (_, i) =>
      queue.run(async () => {
        running++;
        most = Math.max(most, running);
        await new Promise((resolve) => setTimeout(resolve, 2));
        order.push(i);
        running--;
        return i;
      }, `client-${i}`),
    );
    assert.equal(queue.running, 1);
    assert.equal(queue.queued, 16);
    assert.deepEqual(await Promise.all(jobs), [...order.keys()]);
    assert.deepEqual(order, [...order.keys()]);
    assert.equal(most, 1);
    assert.equal(queue.running, 0);
  });

  it("refuses a job, without running it, when the line is full; a failed job frees its slot", async () => {
    const queue = new JobQueue(1, 2);
    const first = gate();
    const ran: string[] = [];
    const a = queue.run(async () => (ran.push("a"), first.done));
    const b = queue.run(async () => (ran.push("b"), Promise.reject(new Error("boom"))));
    const c = queue.run(async () => ran.push("c"));
    await assert.rejects(
      queue.run(async () => ran.push("d")),
      QueueFullError,
    );
    first.release();
    await a;
    await assert.rejects(b, /boom/);
    await c;
    assert.deepEqual(ran, ["a", "b", "c"]);
    assert.equal(queue.running, 0);
    await queue.run(async () => ran.push("e"));
    assert.deepEqual(ran, ["a", "b", "c", "e"]);
  });

  it("real scrypt: never more than one derivation at once; 32 wait (2 per client), the rest are refused", async () => {
    const stored = await hashPassword("django-sessions");
    let most = 0;
    let watching = true;
    const watch = (async () => {
      while (watching) {
        most = Math.max(most, hashingQueue.running);
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) => verifyPassword(i === 0 ? "django-sessions" : `guess-${i}`, stored, `client-${i % 20}`)),
    );
    watching = false;
    await watch;
    assert.equal(most, 1);
    const fulfilled = results.filter((r) => r.status === "fulfilled");
    const rejected = results.filter((r) => r.status === "rejected");
    assert.equal(fulfilled.length, 33, "one running and 32 waiting");
    assert.deepEqual(
      fulfilled.map((r) => r.value).sort(),
      [...Array<boolean>(32).fill(false), true],
    );
    assert.equal(rejected.length, 17);
    for (const r of rejected) assert.ok(isQueueFullError(r.reason));
  });

  it("a decoy hash refused by a full line is retried later, not kept as a failure", async () => {
    const held = gate();
    const fillers = Array.from({ length: 33 }, (_, i) => hashingQueue.run(() => held.done, `filler-${i}`));
    await assert.rejects(decoyHash(), QueueFullError);
    held.release();
    await Promise.all(fillers);
    const decoy = await decoyHash();
    assert.match(decoy, /^scrypt\$/);
    assert.equal(await decoyHash(), decoy);
    assert.equal(await verifyPassword("", decoy), false);
  });

  it("recognises a QueueFullError from another copy of the module by name", () => {
    const foreign = new Error("x");
    foreign.name = "QueueFullError";
    assert.equal(isQueueFullError(foreign), true);
    assert.equal(isQueueFullError(new Error("x")), false);
    assert.equal(isQueueFullError("QueueFullError"), false);
  });
});
