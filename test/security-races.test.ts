// Races between security actions (issue 21, item 1, and the class from now on): sign-in, password
// change, sign-out of other devices and key rotation running at once, on every server-side engine,
// with real stores (libSQL files, redis-server), real scrypt and the app's lib/auth functions.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { setPassword } from "../lib/auth/change-password";
import { hashPassword, isQueueFullError } from "../lib/auth/password";
import { keepSignedInAfterPasswordChange, signedInUser, signIn } from "../lib/auth/sign-in";
import { verifyCredentials } from "../lib/auth/users";
import type { Database } from "../lib/db/client";
import { DEMO_USER, seedDemoData } from "../lib/db/seed";
import { ENGINES } from "./engines";
import { SECRETS, stopRedisServers, tempDatabase, TestBrowser, type EngineFixture } from "./harness";

after(stopRedisServers);

const ROUNDS = 3;
const ATTACKERS = 3;
const OLD_PASSWORD = DEMO_USER.password;

// The app's server-side engines, each on one topology (the Cluster variants run the same code: RACES_ALL_ENGINES=1 adds them, and memory).
const RACE_ENGINES = ENGINES.filter((engine) => engine.serverSide && (process.env.RACES_ALL_ENGINES || !/Cluster|memory/.test(engine.name)));

for (const kind of RACE_ENGINES) {
  describe(`security races: ${kind.name}`, () => {
    let engine: EngineFixture;
    let users: Database;
    let oldHash: string;
    before(async () => {
      engine = await kind.create();
      ({ db: users } = await tempDatabase());
      await seedDemoData(users);
      oldHash = (await verifyCredentials(users, DEMO_USER.username, OLD_PASSWORD))!.passwordHash;
    });
    after(() => engine.close?.());

    const resetPassword = () => users.$client.execute({ sql: "UPDATE users SET password_hash = ? WHERE id = ?", args: [oldHash, DEMO_USER.id] });

    /** The login action's steps: verify, then sign in bound to what was verified. False for any failure. */
    async function signInFlow(browser: TestBrowser, password: string, client: string): Promise<boolean> {
      try {
        const verified = await verifyCredentials(users, DEMO_USER.username, password, client);
        return verified !== null && (await signIn(await browser.request(), verified, users, SECRETS));
      } catch (error) {
        if (isQueueFullError(error)) return false;
        throw error;
      }
    }

    /** The password action's steps, from a signed-in browser. */
    async function changeFlow(browser: TestBrowser, current: string, next: string, client: string): Promise<boolean> {
      const session = await browser.request();
      const user = await signedInUser(session, users, SECRETS);
      const verified = user && (await verifyCredentials(users, user.username, current, client));
      const newHash = verified && (await setPassword(users, verified.user.id, next, verified.passwordHash, client));
      return !!user && !!newHash && (await keepSignedInAfterPasswordChange(session, user, newHash, users, SECRETS)).signedIn;
    }

    /** Other sessions of the user still alive: the larger of those the owner's device list shows and those still carrying a sign-in. */
    async function survivors(owner: TestBrowser, others: TestBrowser[]): Promise<number> {
      const listed = (await (await owner.request()).userSessions(DEMO_USER.id)).filter((device) => !device.current).length;
      let carrying = 0;
      for (const other of others) {
        const session = await other.request();
        if ((await session.get("_auth_user_id")) !== undefined || (await signedInUser(session, users, SECRETS))) carrying++;
      }
      return Math.max(listed, carrying);
    }

    /** Runs `attack` in a loop from each attacker until `action` is done, then once more. */
    async function during(action: () => Promise<unknown>, attackers: TestBrowser[], attack: (browser: TestBrowser, i: number) => Promise<unknown>) {
      let done = false;
      const loops = attackers.map(async (browser, i) => {
        while (!done) {
          await attack(browser, i);
          await new Promise((resolve) => setImmediate(resolve)); // a local store may answer without yielding to the event loop
        }
        await attack(browser, i);
      });
      await new Promise((resolve) => setTimeout(resolve, 20));
      const result = await action().finally(() => (done = true));
      await Promise.all(loops);
      return result;
    }

    it(`sign-ins with the old password during a change: none survives (${ROUNDS} rounds)`, async () => {
      let total = 0;
      for (let round = 0; round < ROUNDS; round++) {
        await resetPassword();
        const owner = new TestBrowser(engine);
        assert.equal(await signInFlow(owner, OLD_PASSWORD, "owner"), true);
        const attackers = Array.from({ length: ATTACKERS }, () => new TestBrowser(engine));
        const changed = await during(() => changeFlow(owner, OLD_PASSWORD, `new password ${round}`, "owner"), attackers, (b, i) => signInFlow(b, OLD_PASSWORD, `attacker-${i}`));
        assert.equal(changed, true, "the change went through");
        const alive = await survivors(owner, attackers);
        total += alive;
      }
      assert.equal(total, 0, `${total} sessions bound to the old password survived ${ROUNDS} rounds`);
    });

    it("other devices rotating their keys during a change: none survives, none is listed", async () => {
      await resetPassword();
      const owner = new TestBrowser(engine);
      assert.equal(await signInFlow(owner, OLD_PASSWORD, "owner"), true);
      const devices = Array.from({ length: ATTACKERS }, () => new TestBrowser(engine));
      for (const device of devices) assert.equal(await signInFlow(device, OLD_PASSWORD, "device"), true);
      const changed = await during(() => changeFlow(owner, OLD_PASSWORD, "rotated meanwhile", "owner"), devices, async (b) => {
        const session = await b.request();
        if (await signedInUser(session, users, SECRETS)) await session.cycleKey().catch(() => {});
      });
      assert.equal(changed, true);
      assert.equal(await survivors(owner, devices), 0);
    });

    it("a password change whose own session another device ends meanwhile keeps its user signed in", async () => {
      await resetPassword();
      const [owner, device] = [new TestBrowser(engine), new TestBrowser(engine)];
      assert.equal(await signInFlow(owner, OLD_PASSWORD, "owner"), true);
      assert.equal(await signInFlow(device, OLD_PASSWORD, "device"), true);
      const session = await owner.request();
      const user = (await signedInUser(session, users, SECRETS))!;
      assert.ok(user);
      await (await device.request()).endOtherUserSessions(user.id); // "Sign out other devices" on the other device, first
      const newHash = (await setPassword(users, user.id, "changed meanwhile", oldHash, "owner"))!;
      const outcome = await keepSignedInAfterPasswordChange(session, user, newHash, users, SECRETS);
      assert.equal(outcome.signedIn, true);
      assert.deepEqual(await signedInUser(await owner.request(), users, SECRETS), user, "the owner, who just proved the password, is signed in");
      assert.equal(await signedInUser(await device.request(), users, SECRETS), null, "the other device is not");
    });

    it("two changes at once: exactly one wins, and only its session is left", async () => {
      await resetPassword();
      const [a, b] = [new TestBrowser(engine), new TestBrowser(engine)];
      assert.equal(await signInFlow(a, OLD_PASSWORD, "a"), true);
      assert.equal(await signInFlow(b, OLD_PASSWORD, "b"), true);
      const [aWon, bWon] = await Promise.all([changeFlow(a, OLD_PASSWORD, "password of a", "a"), changeFlow(b, OLD_PASSWORD, "password of b", "b")]);
      assert.equal(Number(aWon) + Number(bWon), 1, "one change wins");
      const [winner, loser, password] = aWon ? [a, b, "password of a"] : [b, a, "password of b"];
      assert.ok(await verifyCredentials(users, DEMO_USER.username, password), "the winner's password is the one stored");
      assert.equal(await survivors(winner, [loser]), 0);
      assert.ok(await signedInUser(await winner.request(), users, SECRETS));
    });

    it("a session left with an old hash can end no other session", async () => {
      await resetPassword();
      const [stale, fresh] = [new TestBrowser(engine), new TestBrowser(engine)];
      assert.equal(await signInFlow(stale, OLD_PASSWORD, "stale"), true);
      // The change happens behind the stale session's back, as in another process that missed it.
      await users.$client.execute({ sql: "UPDATE users SET password_hash = ? WHERE id = ?", args: [await hashPassword("changed elsewhere"), DEMO_USER.id] });
      assert.equal(await signInFlow(fresh, "changed elsewhere", "fresh"), true);
      // What the account actions check first (requireUser): the stale session is nobody.
      assert.equal(await signedInUser(await stale.request(), users, SECRETS), null);
      assert.ok(await signedInUser(await fresh.request(), users, SECRETS));
    });
  });
}
