// Sign-in on sessions: password hashing, the login/logout session moves, devices. Real libSQL files.
import { libsqlConnection } from "../lib/sessions";
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { authenticate, storedPasswordHash, verifyCredentials } from "../lib/auth/users";
import { decoyHash, hashPassword, verifyPassword } from "../lib/auth/password";
import { keepSignedInAfterPasswordChange, signedInUser, signIn as signInUser, signOut } from "../lib/auth/sign-in";
import { newPasswordProblem, setPassword } from "../lib/auth/change-password";
import type { User } from "../lib/auth/users";
import { describeUserAgent } from "../lib/auth/user-agent";
import { DEMO_USER, seedDemoData } from "../lib/db/seed";
import type { Database } from "../lib/db/client";
import type { Session } from "../lib/session";
import { hashKey, keyCookie, LibsqlStore, serverSideEngine } from "../lib/session/testing";
import { cookieEngine, SECRETS, tempDatabase, TestBrowser, type EngineFixture } from "./harness";

const JOHN = { id: DEMO_USER.id, username: DEMO_USER.username };
const OTHER_USER = { id: 456, username: "jane_roe" };

async function rowOf(db: Database, cookie: string | undefined) {
  const key = (await keyCookie(SECRETS).read(cookie))?.key;
  assert.ok(key, "the cookie opens");
  const result = await db.$client.execute({ sql: "SELECT data, ended_at, user_id FROM sessions WHERE key_hash = ?", args: [hashKey(key)] });
  return result.rows[0];
}

describe("password hashing", () => {
  it("verifies the password it hashed, with a fresh salt each time", async () => {
    const [a, b] = await Promise.all([hashPassword("django-sessions"), hashPassword("django-sessions")]);
    assert.match(a, /^scrypt\$16384\$8\$1\$[\w-]+\$[\w-]+$/);
    assert.notEqual(a, b, "salted");
    assert.equal(await verifyPassword("django-sessions", a), true);
    assert.equal(await verifyPassword("django-sessions", b), true);
  });

  it("rejects a wrong password", async () => {
    const stored = await hashPassword("django-sessions");
    assert.equal(await verifyPassword("django-session", stored), false);
    assert.equal(await verifyPassword("", stored), false);
    assert.equal(await verifyPassword("DJANGO-SESSIONS", stored), false);
  });

  it("rejects malformed hashes instead of throwing", async () => {
    const stored = await hashPassword("pw");
    const [, n, r, p, salt, hash] = stored.split("$");
    for (const bad of ["", "plain-text-password", `md5$${n}$${r}$${p}$${salt}$${hash}`, `scrypt$${n}$${r}$${p}$${salt}$`, `scrypt$${n}$${r}$${p}$$${hash}`, `scrypt$${n}$${r}$${p}$${salt}$${hash.slice(0, -4)}`]) {
      assert.equal(await verifyPassword("pw", bad), false, JSON.stringify(bad));
    }
  });

  it("the decoy hash is made once and matches no guess", async () => {
    assert.equal(await decoyHash(), await decoyHash());
    assert.equal(await verifyPassword("", await decoyHash()), false);
  });
});

describe("authenticate against the seeded users table", () => {
  let db: Database;
  before(async () => {
    ({ db } = await tempDatabase());
    await seedDemoData(db);
  });

  it("the seeded john_doe signs in with django-sessions; the hash is stored, not the password", async () => {
    assert.deepEqual(await authenticate(db, "john_doe", "django-sessions"), JOHN);
    const stored = await db.$client.execute("SELECT password_hash FROM users WHERE id = 123");
    assert.match(String(stored.rows[0].password_hash), /^scrypt\$/);
  });

  it("a wrong password, an unknown user and an oversized input all fail the same way", async () => {
    assert.equal(await authenticate(db, "john_doe", "wrong"), null);
    assert.equal(await authenticate(db, "nobody", "django-sessions"), null);
    assert.equal(await authenticate(db, "john_doe", "x".repeat(10_000)), null);
  });

  it("an unknown user costs a password check too (no user-existence timing leak)", async () => {
    await decoyHash(); // made once per process; not part of either timing
    const time = async (username: string) => {
      const start = performance.now();
      for (let i = 0; i < 5; i++) await authenticate(db, username, "wrong");
      return performance.now() - start;
    };
    const [known, unknown] = [await time("john_doe"), await time("nobody")];
    assert.ok(unknown > known * 0.3 && unknown < known * 3, `known user ${known.toFixed(0)} ms, unknown ${unknown.toFixed(0)} ms`);
  });
});

describe("sign-in, sign-out and devices on sessions", () => {
  let engine: EngineFixture;
  let db: Database;
  before(async () => {
    ({ db } = await tempDatabase());
    await seedDemoData(db);
    await db.$client.execute({ sql: "INSERT INTO users (id, username, password_hash) VALUES (?, ?, ?)", args: [OTHER_USER.id, OTHER_USER.username, await hashPassword("pw")] });
    const sessionEngine = serverSideEngine(new LibsqlStore(libsqlConnection(db)), SECRETS);
    engine = { name: "db", engine: sessionEngine, store: () => sessionEngine.open().store, serverSide: true, db };
  });
  const browser = () => new TestBrowser(engine);
  // Signs in as a sign-in that just verified the stored password would.
  const signIn = async (session: Session, user: User) => signInUser(session, { user, passwordHash: (await storedPasswordHash(db, user.id))! }, db, SECRETS);
  const sessionUser = (session: Session) => signedInUser(session, db, SECRETS);

  async function signedIn(userAgent: string): Promise<TestBrowser> {
    const b = browser();
    await signIn(await b.request({ userAgent }), JOHN);
    return b;
  }

  it("the sign-in lives under reserved keys that the session's public API cannot write", async () => {
    const b = await signedIn("ua");
    const s = await b.request();
    assert.deepEqual(await s.items(), [], "reserved keys are not listed");
    assert.equal(await s.get("_auth_user_id"), JOHN.id);
    for (const write of [() => s.set("_auth_user_id", 1), () => s.delete("_auth_user_hash"), () => s.update({ _auth_user_id: 1 }), () => s.increment("_auth_user_id"), () => s.pop("_auth_user_id")]) {
      await assert.rejects(write(), /reserved/);
    }
    assert.deepEqual(await sessionUser(await b.request()), JOHN, "still signed in as john_doe");
  });

  it("ordinary keys named user_id and username sign nobody in, nor does a forged _auth_user_hash", async () => {
    const b = browser();
    const s = await b.request();
    await s.update({ user_id: JOHN.id, username: JOHN.username });
    await s.save();
    assert.equal(await sessionUser(await b.request()), null);
    const forged = await b.request();
    await forged.setReserved("_auth_user_id", JOHN.id); // as if the framework had a bug
    await forged.setReserved("_auth_user_hash", "forged");
    await forged.save();
    assert.equal(await sessionUser(await b.request()), null, "the hash must match the password hash under the secret");
  });

  it("a password change through update_session_auth_hash ends the others and keeps this session signed in under a new key", async () => {
    const [row] = (await db.$client.execute("SELECT password_hash FROM users WHERE id = 123")).rows;
    const here = await signedIn("here");
    const elsewhere = await signedIn("elsewhere");
    const oldCookie = here.cookie;
    try {
      const newHash = await setPassword(db, JOHN.id, "a much better passphrase", String(row.password_hash));
      assert.ok(newHash);
      const outcome = await keepSignedInAfterPasswordChange(await here.request(), JOHN, newHash, db, SECRETS);
      assert.equal(outcome.signedIn, true);
      assert.ok(outcome.othersEnded !== null && outcome.othersEnded >= 1);
      assert.notEqual(here.cookie, oldCookie, "a new key");
      assert.deepEqual(await sessionUser(await here.request()), JOHN, "this device stays signed in");
      assert.equal(await sessionUser(await elsewhere.request()), null, "the other device is signed out");
      assert.deepEqual(await authenticate(db, "john_doe", "a much better passphrase"), JOHN);
    } finally {
      await db.$client.execute({ sql: "UPDATE users SET password_hash = ? WHERE id = 123", args: [row.password_hash] });
    }
  });

  it("a new password must be 8 to 4,096 characters, without NUL, and differ from the current one", () => {
    assert.match(newPasswordProblem("short", "x") ?? "", /at least 8/);
    assert.match(newPasswordProblem("p".repeat(4097), "x") ?? "", /at most/);
    assert.match(newPasswordProblem("long enough\u0000", "x") ?? "", /NUL/);
    assert.match(newPasswordProblem("django-sessions", "django-sessions") ?? "", /differ/);
    assert.equal(newPasswordProblem("a much better passphrase", "django-sessions"), null);
  });

  it("changing the password signs out every session signed in with the old one (Django's _auth_user_hash)", async () => {
    const b = await signedIn("ua");
    assert.deepEqual(await sessionUser(await b.request()), JOHN);
    const [row] = (await db.$client.execute("SELECT password_hash FROM users WHERE id = 123")).rows;
    await db.$client.execute({ sql: "UPDATE users SET password_hash = ? WHERE id = 123", args: [await hashPassword("a new password")] });
    try {
      assert.equal(await sessionUser(await b.request()), null);
    } finally {
      await db.$client.execute({ sql: "UPDATE users SET password_hash = ? WHERE id = 123", args: [row.password_hash] });
    }
    assert.deepEqual(await sessionUser(await b.request()), JOHN, "the old hash again: signed in again");
  });

  it("cycling the key at sign-in moves the data to a new key and kills the old one", async () => {
    const b = browser();
    const before = await b.request();
    await before.set("cpu", "AMD Ryzen 7");
    await before.save();
    const preLoginCookie = b.cookie;
    const preLoginKey = before.sessionKey;

    await signIn(await b.request(), JOHN);
    assert.notEqual(b.cookie, preLoginCookie, "a new cookie");
    const after = await b.request();
    assert.notEqual(after.sessionKey, preLoginKey, "a new key");
    assert.deepEqual(await after.items(), [["cpu", "AMD Ryzen 7"]]);
    assert.deepEqual(await sessionUser(after), JOHN);
    assert.equal((await rowOf(engine.db!, b.cookie)).user_id, 123, "the row records the user");

    const replay = new TestBrowser(engine);
    replay.cookie = preLoginCookie;
    const replayed = await replay.request();
    assert.equal(await sessionUser(replayed), null, "the pre-login cookie is not signed in");
    assert.equal(await replayed.isEmpty(), true, "and carries none of the data");
    assert.notEqual((await rowOf(engine.db!, preLoginCookie)).ended_at, null, "the old key is a tombstone");
    await replayed.set("cpu", "Intel Core i5");
    await replayed.save();
    assert.notEqual(replay.cookie, preLoginCookie, "a write through the dead key goes to a fresh key");
  });

  it("an anonymous visitor without data gets a signed-in session under a new key", async () => {
    const b = browser();
    const first = await b.request();
    await first.get("anything"); // no key yet, no row
    await signIn(first, JOHN);
    assert.deepEqual(await sessionUser(await b.request()), JOHN);
  });

  it("signing in as another user flushes the previous user's data instead of carrying it over", async () => {
    const b = await signedIn("ua");
    const s = await b.request();
    await s.set("cpu", "Intel Core i5");
    await s.save();
    const johnsCookie = b.cookie;
    await signIn(await b.request(), OTHER_USER);
    const now = await b.request();
    assert.deepEqual(await sessionUser(now), OTHER_USER);
    assert.equal(await now.get("cpu"), undefined);
    assert.notEqual((await rowOf(engine.db!, johnsCookie)).ended_at, null);
  });

  it("sign-out deletes the row's data, ends the key and deletes the cookie", async () => {
    const b = await signedIn("ua");
    const signedInCookie = b.cookie;
    await signOut(await b.request());
    assert.equal(b.cookie, undefined, "cookie deleted");
    const row = await rowOf(engine.db!, signedInCookie);
    assert.notEqual(row.ended_at, null);
    assert.equal(row.data, "{}");
    assert.equal(row.user_id, null);
    const replay = new TestBrowser(engine);
    replay.cookie = signedInCookie;
    assert.equal(await sessionUser(await replay.request()), null);
  });

  it("sign-out of others leaves this one, and the others become fresh anonymous sessions", async () => {
    const laptop = await signedIn("Mozilla/5.0 (X11; Linux x86_64) Chrome/130.0 Safari/537.36");
    const phone = await signedIn("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Version/17.0 Mobile/15E148 Safari/604.1");
    const tablet = await signedIn("Mozilla/5.0 (Linux; Android 14) Firefox/130.0");
    const stranger = browser();
    await signIn(await stranger.request(), OTHER_USER);

    const here = await laptop.request();
    const listed = await here.userSessions(JOHN.id);
    assert.ok(listed.length >= 3);
    assert.equal(listed.filter((d) => d.current).length, 1);
    assert.equal(describeUserAgent(listed.find((d) => d.current)!.userAgent), "Chrome on Linux");

    assert.ok((await here.endOtherUserSessions(JOHN.id)) >= 2);
    const left = await (await laptop.request()).userSessions(JOHN.id);
    assert.deepEqual(left.map((d) => d.current), [true], "only this one is left");

    assert.deepEqual(await sessionUser(await laptop.request()), JOHN, "this device stays signed in");
    assert.deepEqual(await sessionUser(await stranger.request()), OTHER_USER, "other users are untouched");
    for (const other of [phone, tablet]) {
      const s = await other.request();
      assert.equal(await sessionUser(s), null, "signed out");
      await s.set("cpu", "AMD Ryzen 5"); // its next write is a fresh anonymous session, not an error
      await s.save();
      assert.deepEqual(await (await other.request()).items(), [["cpu", "AMD Ryzen 5"]]);
    }
  });
});

describe("password change on the cookie engine (no server-side sessions)", () => {
  it("succeeds, keeps this browser signed in, and says the others could not be counted; the hash binding signs them out", async () => {
    const { db } = await tempDatabase();
    await seedDemoData(db);
    const engine = await cookieEngine();
    const [here, elsewhere] = [new TestBrowser(engine), new TestBrowser(engine)];
    for (const b of [here, elsewhere]) {
      assert.equal(await signInUser(await b.request(), (await verifyCredentials(db, JOHN.username, DEMO_USER.password))!, db, SECRETS), true);
    }
    const verified = (await verifyCredentials(db, JOHN.username, DEMO_USER.password))!;
    const newHash = (await setPassword(db, JOHN.id, "a much better passphrase", verified.passwordHash))!;
    const outcome = await keepSignedInAfterPasswordChange(await here.request(), JOHN, newHash, db, SECRETS);
    assert.deepEqual(outcome, { signedIn: true, othersEnded: null });
    assert.deepEqual(await signedInUser(await here.request(), db, SECRETS), JOHN);
    assert.equal(await signedInUser(await elsewhere.request(), db, SECRETS), null);
  });
});

describe("describeUserAgent", () => {
  const cases: [string | null, string][] = [
    ["Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36", "Chrome on Linux"],
    ["Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0", "Edge on Windows"],
    ["Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0", "Firefox on Windows"],
    ["Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15", "Safari on macOS"],
    ["Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1", "Safari on iOS"],
    ["Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36", "Chrome on Android"],
    ["curl/8.5.0", "Unknown browser"],
    [null, "Unknown browser"],
  ];
  for (const [agent, expected] of cases) {
    it(`${expected} from ${agent ?? "no header"}`.slice(0, 90), () => assert.equal(describeUserAgent(agent), expected));
  }
});

describe("passwords with NUL characters", () => {
  it("never match: HMAC pads a short key with zero bytes, so scrypt alone would take pw\\0 for pw", async () => {
    const stored = await hashPassword("django-sessions");
    for (const near of ["django-sessions\u0000", "django-sessions\u0000\u0000", "django-sessions\u0000x"]) {
      assert.equal(await verifyPassword(near, stored), false, JSON.stringify(near));
    }
    assert.equal(await verifyPassword("django-sessions", stored), true);
    await assert.rejects(hashPassword("pw\u0000"), /NUL/);
  });
});
