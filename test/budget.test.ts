// Resource budgets: what a visitor who is not signed in can make the server store (issue 21, items 2
// and 8), on every server-side engine over real libSQL files and real redis-servers.
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { LocalConnection } from "../lib/db/local-connection";
import { Session, SessionTooLargeError } from "../lib/session";
import { ClientBudget, clientBucket, LibsqlStore, serverSideEngine, SessionBudgetExceededError, SessionStoreFullError, storeRecentlyFailed, type SessionOptions, type SessionStore, type SessionTransport, RedisStore } from "../lib/session/testing";
import { openRedis } from "../lib/session/redis";
import { DEFAULT_OPTIONS, SECRETS, stopRedisServers, tempDatabase } from "./harness";
import { ENGINES as SHARED_ENGINES } from "./engines";
import { startRedis } from "./redis-servers";
import { signIn as signInUser } from "../lib/auth/sign-in";
import { verifyCredentials } from "../lib/auth/users";
import { DEMO_USER, seedDemoData } from "../lib/db/seed";

after(stopRedisServers);

interface BoundedEngine {
  name: string;
  /** A store that keeps at most `maxAnonymousSessions` sessions without a signed-in user. */
  create(maxAnonymousSessions?: number): Promise<SessionStore>;
}

const closers: (() => unknown)[] = [];
after(async () => {
  for (const close of closers.splice(0)) await close();
});

/** Every server-side engine of the registry on each topology (the memory store keeps no budget; the client path is db's statements again). */
const ENGINES: BoundedEngine[] = SHARED_ENGINES.filter((kind) => kind.serverSide && kind.name !== "memory" && !kind.name.includes("through the client")).map((kind) => ({
  name: kind.name,
  create: async (maxAnonymousSessions) => {
    const fixture = await kind.create({ maxAnonymousSessions });
    closers.push(() => fixture.close?.());
    return fixture.store();
  },
}));

/** A browser of one client address: each request() is a new request's session. */
class Client {
  cookie: string | undefined;
  constructor(
    private readonly store: SessionStore,
    readonly address: string,
    private readonly options: SessionOptions,
  ) {}

  async request(): Promise<Session> {
    const { cookie } = serverSideEngine(this.store, SECRETS).open();
    const transport: SessionTransport = {
      incomingKey: (await cookie.read(this.cookie))?.key ?? null,
      hadCookie: this.cookie !== undefined,
      writable: true,
      clientAddress: this.address,
      sendKey: async (key) => void (this.cookie = await cookie.write(key)),
      deleteCookie: async () => void (this.cookie = undefined),
    };
    return new Session(this.store, this.options, transport);
  }
}

async function signIn(client: Client, userId: number): Promise<void> {
  const session = await client.request();
  await session.cycleKey();
  await session.setReserved("_auth_user_id", userId);
  await session.save();
}

const budgeted = (limits: { newSessions?: number; bytes?: number } = {}, extra: Partial<SessionOptions> = {}): SessionOptions => ({
  ...DEFAULT_OPTIONS,
  anonymousMaxBytes: 16_384,
  budget: new ClientBudget({ newSessions: limits.newSessions ?? 1_000_000, bytes: limits.bytes ?? 1_000_000_000 }),
  ...extra,
});

/** How many of these clients' sessions still hold data. */
async function liveSessions(clients: Client[]): Promise<number> {
  let live = 0;
  for (const client of clients) if (!(await (await client.request()).isEmpty())) live++;
  return live;
}

describe("the per-client budget table", () => {
  it("counts each address on its own, and a client with 100,000 addresses grows it no further than maxClients", () => {
    const budget = new ClientBudget({ newSessions: 3, bytes: 1000, maxClients: 1000 });
    for (let i = 0; i < 3; i++) assert.ok(budget.reserveSession("203.0.113.7"));
    assert.equal(budget.reserveSession("203.0.113.7"), false, "the fourth new session of one address is refused");
    assert.ok(budget.reserveSession("203.0.113.8"), "another address has its own budget");
    for (let i = 0; i < 100_000; i++) budget.reserveSession(`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`);
    assert.ok(budget.size <= 1000, `the table holds ${budget.size} clients`);
    assert.equal(budget.reserveSession("203.0.113.7"), false, "flooding the table did not reset a counted client");
    assert.equal(budget.reserveSession("198.51.100.1"), false, "past the table's size, new addresses share one spent bucket");
  });

  it("counts an IPv6 client by its /64, and bytes all or nothing", () => {
    assert.equal(clientBucket("2001:db8:1:2:aaaa::1"), clientBucket("2001:db8:1:2:ffff::9"));
    assert.notEqual(clientBucket("2001:db8:1:2::1"), clientBucket("2001:db8:1:3::1"));
    assert.equal(clientBucket("::ffff:192.0.2.1"), "192.0.2.1");
    const budget = new ClientBudget({ newSessions: 1, bytes: 100 });
    assert.ok(budget.chargeBytes("2001:db8:1:2::1", 60));
    assert.equal(budget.chargeBytes("2001:db8:1:2::2", 60), false, "the same /64 shares its bytes");
    assert.ok(budget.chargeBytes("2001:db8:1:2::2", 40));
  });
});

for (const engine of ENGINES) {
  describe(`budgets and limits: ${engine.name}`, () => {
    it("concurrent saves of different keys cannot together pass SESSION_MAX_BYTES (signed in)", async () => {
      const store = await engine.create();
      const client = new Client(store, "192.0.2.1", { ...DEFAULT_OPTIONS, maxBytes: 20_000 });
      await signIn(client, 7);
      const sessions = await Promise.all(Array.from({ length: 30 }, () => client.request()));
      await Promise.all(sessions.map((s) => s.get("_auth_user_id")));
      const results = await Promise.allSettled(sessions.map(async (s, i) => (await s.set(`k${i}`, "v".repeat(1_500)), s.save())));
      const refused = results.filter((r) => r.status === "rejected");
      for (const r of refused) assert.ok(r.reason instanceof SessionTooLargeError, `refused with ${String(r.reason)}`);
      const stored = await (await client.request()).byteSize();
      assert.ok(stored <= 20_000, `the stored session holds ${stored} bytes, past SESSION_MAX_BYTES (20000)`);
      assert.equal(await (await client.request()).get("_auth_user_id"), 7, "still signed in");
      assert.ok(refused.length >= 17, `${refused.length} saves refused`);
    });

    it("concurrent saves and increments cannot pass SESSION_ANONYMOUS_MAX_BYTES without a signed-in user", async () => {
      const store = await engine.create();
      const client = new Client(store, "192.0.2.2", { ...DEFAULT_OPTIONS, anonymousMaxBytes: 8_000 });
      const first = await client.request();
      await first.set("start", 1);
      await first.save();
      const sessions = await Promise.all(Array.from({ length: 20 }, () => client.request()));
      await Promise.all(sessions.map((s) => s.get("start")));
      const results = await Promise.allSettled([
        ...sessions.map(async (s, i) => (await s.set(`k${i}`, "v".repeat(1_000)), s.save())),
        ...Array.from({ length: 5 }, async () => (await client.request()).increment("n")),
      ]);
      for (const r of results) if (r.status === "rejected") assert.ok(r.reason instanceof SessionTooLargeError, String(r.reason));
      const stored = await (await client.request()).byteSize();
      assert.ok(stored <= 8_000, `the stored anonymous session holds ${stored} bytes, past 8000`);
    });

    it("one address makes at most SESSION_ANONYMOUS_NEW_PER_MINUTE new sessions; refused writes store nothing", async () => {
      const store = await engine.create();
      const options = budgeted({ newSessions: 5 });
      const clients = Array.from({ length: 20 }, () => new Client(store, "198.51.100.9", options));
      const outcomes = await Promise.allSettled(clients.map(async (c) => (await c.request()).increment("num_visits")));
      const refused = outcomes.filter((o) => o.status === "rejected");
      for (const o of refused) assert.ok(o.reason instanceof SessionBudgetExceededError && o.reason.status === 429, String(o.reason));
      assert.equal(refused.length, 15);
      assert.equal(await liveSessions(clients), 5, "five sessions stored");
      const kept = clients.find((c) => c.cookie)!;
      assert.equal(await (await kept.request()).increment("num_visits"), 2, "a session the client has keeps counting");
      const other = new Client(store, "198.51.100.10", options);
      assert.equal(await (await other.request()).increment("num_visits"), 1, "another address is not refused");
    });

    it("a neighbour who spent the address's new-session budget cannot stop a visitor with data from signing in", async () => {
      const store = await engine.create();
      const options = budgeted({ newSessions: 1 });
      const visitor = new Client(store, "198.51.100.30", options);
      assert.equal(await (await visitor.request()).increment("num_visits"), 1, "the visitor's anonymous session (the address's one new session)");
      const neighbour = new Client(store, "198.51.100.30", options);
      await assert.rejects((await neighbour.request()).increment("num_visits"), SessionBudgetExceededError);
      const { db: users } = await tempDatabase();
      await seedDemoData(users);
      const verified = (await verifyCredentials(users, DEMO_USER.username, DEMO_USER.password))!;
      assert.equal(await signInUser(await visitor.request(), verified, users, SECRETS), true, "signed in, though the rotation writes a new row");
      const after = await visitor.request();
      assert.equal(await after.get("_auth_user_id"), DEMO_USER.id);
      assert.equal(await after.get("num_visits"), 1, "the visit count came along");
    });

    it("one address writes at most SESSION_ANONYMOUS_BYTES_PER_MINUTE; a signed-in user is not counted", async () => {
      const store = await engine.create();
      const options = budgeted({ bytes: 20_000 });
      let stored = 0;
      for (let i = 0; i < 20; i++) {
        const session = await new Client(store, "198.51.100.20", options).request();
        await session.set(`v${i}`, "x".repeat(3_000));
        try {
          await session.save();
          stored++;
        } catch (error) {
          assert.ok(error instanceof SessionBudgetExceededError, String(error));
        }
      }
      assert.equal(stored, 6, "6 of 20 saves of 3 KB fit in 20,000 bytes");
      const member = new Client(store, "198.51.100.20", options);
      await signIn(member, 9);
      const session = await member.request();
      await session.set("notes", "y".repeat(10_000));
      await session.save();
      assert.equal((await (await member.request()).get("notes"))?.toString().length, 10_000);
    });

    it("many addresses cannot grow the store past SESSION_ANONYMOUS_MAX_SESSIONS: the oldest go, signed-in users stay", async () => {
      const store = await engine.create(25);
      const options = budgeted({ newSessions: 2 });
      const member = new Client(store, "192.0.2.50", options);
      await signIn(member, 11);
      const clients: Client[] = [];
      for (let i = 0; i < 300; i++) {
        const client = new Client(store, `10.0.${i >> 8}.${i & 255}`, options);
        clients.push(client);
        const session = await client.request();
        await session.set("pad", "p".repeat(1_000));
        await session.save();
      }
      const live = await liveSessions(clients);
      assert.ok(live <= 25, `${live} anonymous sessions kept, past the bound of 25`);
      assert.ok(live >= 20, `only ${live} kept: the newest should stay`);
      assert.ok(!(await (await clients.at(-1)!.request()).isEmpty()), "the newest session is kept");
      assert.equal(await (await member.request()).get("_auth_user_id"), 11, "the signed-in session was never evicted");
    });
  });
}

describe("a full store is not an outage", () => {
  it("db: at SQLITE_FULL anonymous writes are refused (507) or make room, signed-in users read and sign in, no breaker trip", async () => {
    const { db } = await tempDatabase();
    const file = db.$local!.file;
    // The database may not grow past 1 MB (SQLite's max_page_count), on every connection the store opens.
    const limited = new LocalConnection(file, 5000, ["PRAGMA journal_mode = WAL", "PRAGMA max_page_count = 256"]);
    const store = new LibsqlStore({ client: db.$client, local: { shared: limited } });
    const options: SessionOptions = { ...DEFAULT_OPTIONS, anonymousMaxBytes: 16_384 };
    const member = new Client(store, "192.0.2.60", options);
    await signIn(member, 12);
    let full = 0;
    const flood: Client[] = [];
    for (let i = 0; i < 400; i++) {
      const client = new Client(store, `10.1.${i >> 8}.${i & 255}`, options);
      flood.push(client);
      const session = await client.request();
      await session.set("pad", "f".repeat(12_000));
      try {
        await session.save();
      } catch (error) {
        assert.ok(error instanceof SessionStoreFullError && error.status === 507, `refused with ${String(error)}`);
        full++;
      }
    }
    assert.ok(storeRecentlyFailed() === false, "the breaker did not trip");
    // Signed in: reads, writes (room is evicted), a second user signs in.
    const own = await member.request();
    assert.equal(await own.get("_auth_user_id"), 12);
    await own.set("cart", "c".repeat(4_000));
    await own.save();
    const other = new Client(store, "192.0.2.61", options);
    await signIn(other, 13);
    assert.equal(await (await other.request()).get("_auth_user_id"), 13);
    assert.equal((await (await member.request()).get("cart"))?.toString().length, 4_000);
    const rows = (await db.$client.execute("SELECT count(*) AS n, sum(length(data)) AS bytes FROM sessions")).rows[0];
    console.log(`# rows ${rows.n} bytes ${rows.bytes}`);
    const kept = await liveSessions(flood);
    console.log(`# ${full} of 400 anonymous saves refused as full; ${kept} kept, the newest`);
    assert.ok(kept > 0 && !(await (await flood.at(-1)!.request()).isEmpty()), "the newest anonymous sessions are kept: the oldest made room");
    limited.reset(limited.get());
  });
});

describe("a Redis at maxmemory is not an outage", () => {
  it("cache: at OOM the oldest anonymous sessions make room; signed-in users read and sign in; refusals are 507, never unavailability", async () => {
    const server = await startRedis();
    closers.push(() => server.stop());
    const opened = openRedis({ url: server.url }, () => {});
    closers.push(opened.close);
    const store = new RedisStore(opened.connection, { prefix: "oom:" });
    const options: SessionOptions = { ...DEFAULT_OPTIONS, anonymousMaxBytes: 16_384 };
    const member = new Client(store, "192.0.2.70", options);
    await signIn(member, 21);
    const used = Number(/used_memory:(\d+)/.exec(String(await opened.connection.send("x", ["INFO", "memory"])))![1]);
    await opened.connection.send("x", ["CONFIG", "SET", "maxmemory", String(used + 1_500_000), "maxmemory-policy", "noeviction"]);
    let full = 0;
    const flood: Client[] = [];
    for (let i = 0; i < 300; i++) {
      const client = new Client(store, `10.2.${i >> 8}.${i & 255}`, options);
      flood.push(client);
      const session = await client.request();
      await session.set("pad", "r".repeat(12_000));
      try {
        await session.save();
      } catch (error) {
        assert.ok(error instanceof SessionStoreFullError, `refused with ${String(error)}`);
        full++;
      }
    }
    const own = await member.request();
    assert.equal(await own.get("_auth_user_id"), 21);
    await own.set("cart", "c".repeat(4_000));
    await own.save();
    const other = new Client(store, "192.0.2.71", options);
    await signIn(other, 22);
    assert.equal(await (await other.request()).get("_auth_user_id"), 22);
    const kept = await liveSessions(flood);
    console.log(`# Redis at maxmemory: ${full} of 300 anonymous saves refused as full; ${kept} kept`);
    assert.ok(kept < 300, "the flood did not all fit: maxmemory was reached");
  });
});
