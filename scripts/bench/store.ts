// Store figures, straight through lib/session (no HTTP): operations per second on any
// SessionStore, one at a time as one request path runs them, and on libSQL a bare primary-key
// SELECT through the same client as the yardstick.
import { hashKey, newSessionKey, detachedSession, LibsqlStore, type SessionStore } from "../../lib/session/testing";
import { libsqlConnection } from "../../lib/sessions";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { openDatabase, type Database } from "../../lib/db/client";
import { prepareDatabase } from "../../lib/db/prepare";
import { AUTH_HASH_LENGTH, SESSIONS_PER_USER } from "./shapes";

/** What every session the bench makes through the library is opened with. */
export const SESSION_OPTIONS = { cookieAge: 1_209_600, expireAtBrowserClose: false, saveEveryRequest: false, maxBytes: 65_536 };
const HOT_SESSIONS = 1000;

export interface StoreFixture {
  store: SessionStore;
  /** The live keys the ops go round (cycleKey replaces each as it goes). */
  keys: string[];
  /** libSQL's bare primary-key SELECT by key hash, for raw-lookup: libSQL fixtures only. */
  rawLookup?: (keyHash: string) => Promise<unknown>;
  close(): Promise<void>;
}

export function tempDbFile(name: string): string {
  return path.join(mkdtempSync(path.join(tmpdir(), "sessions-bench-")), `${name}.db`);
}

/** What filled rows hold. The default ({"num_visits":1}, nothing beside) is what the store figures have always been measured on. */
export interface RowShape {
  expired?: boolean;
  /** Every nth row is a signed-in user's (user_id set, the sign-in's keys in its data, SESSIONS_PER_USER rows a user); 0: none. */
  signedInEvery?: number;
  /** What a browser's write stores beside the data (shapes.ts). */
  userAgent?: string;
  network?: string;
}

/** Fills the table with `rows` sessions (random key hashes, as real ones are). */
export async function fillRows(db: Database, rows: number, shape: RowShape = {}): Promise<void> {
  const now = Date.now();
  const expiresAt = shape.expired ? now - 1000 : now + 86_400_000;
  for (let done = 0; done < rows; done += 100_000) {
    const n = Math.min(100_000, rows - done);
    await db.$client.execute({
      sql: `WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < :n),
              filled(i, user) AS (SELECT :done + i, CASE WHEN :every > 0 AND (:done + i) % :every = 0 THEN 1 + (:done + i) / :every / :perUser END FROM seq)
            INSERT INTO sessions (key_hash, data, expires_at, created_at, last_seen_at, user_id, user_agent, network)
            SELECT lower(hex(randomblob(32))),
              CASE WHEN user IS NULL THEN '{"num_visits":1}'
                ELSE json_object('num_visits', 3, '_auth_user_id', user, '_auth_user_hash', substr(hex(randomblob(32)), 1, :hashLength)) END,
              :expiresAt, :now, :now, user, :userAgent, :network FROM filled`,
      // Whole numbers as BigInt, so they bind as INTEGER (a JS number binds as REAL): real rows' columns and integer division.
      args: {
        n: BigInt(n),
        done: BigInt(done),
        every: BigInt(shape.signedInEvery ?? 0),
        perUser: BigInt(SESSIONS_PER_USER),
        hashLength: BigInt(AUTH_HASH_LENGTH),
        expiresAt: BigInt(expiresAt),
        now: BigInt(now),
        userAgent: shape.userAgent ?? null,
        network: shape.network ?? null,
      },
    });
  }
  // Fold the filling's WAL into the file, as a server's autocheckpoints would have.
  await db.$client.execute("PRAGMA wal_checkpoint(TRUNCATE)");
}

export interface LibsqlFile {
  db: Database;
  store: LibsqlStore;
  close(): Promise<void>;
}

/** A fresh libSQL file (the app's schema) holding `rows` sessions, and a LibsqlStore on it; closing it deletes the file. */
export async function libsqlFile(rows: number, shape?: RowShape): Promise<LibsqlFile> {
  const file = tempDbFile(`store-${rows}`);
  const db = openDatabase(`file:${file}`);
  await prepareDatabase(db);
  await fillRows(db, rows, shape);
  const store = new LibsqlStore(libsqlConnection(db));
  return {
    db,
    store,
    close: async () => {
      store.statements.close();
      db.$client.close();
      rmSync(path.dirname(file), { recursive: true, force: true }); // a million rows is some 350 MB of /tmp
    },
  };
}

const session = (store: SessionStore, key: string) => detachedSession(store, SESSION_OPTIONS, key);

/** HOT_SESSIONS sessions written once each into `store`, for the ops to go round; `close` releases what the store holds. */
export async function hotFixture(store: SessionStore, close: () => Promise<void>, rawLookup?: StoreFixture["rawLookup"]): Promise<StoreFixture> {
  const keys = Array.from({ length: HOT_SESSIONS }, () => newSessionKey());
  for (const key of keys) await session(store, key).increment("n");
  return { store, keys, rawLookup, close };
}

/** A libSQL table of `rows` sessions, HOT_SESSIONS of them the ones operated on. */
export async function storeFixture(rows: number): Promise<StoreFixture> {
  const file = await libsqlFile(rows - HOT_SESSIONS);
  const rawLookup = (keyHash: string) => file.store.statements.all("SELECT data FROM sessions WHERE key_hash = :keyHash", { keyHash });
  return hotFixture(file.store, file.close, rawLookup);
}

/** Loads each key once: fills a cache in front of the store, so that loads that follow hit it. */
export async function loadEach(f: StoreFixture): Promise<void> {
  for (const key of f.keys) await session(f.store, key).get("n");
}

export type StoreOp = "load" | "load+save" | "increment" | "cycleKey" | "raw-lookup";

async function runOnce(f: StoreFixture, op: StoreOp, i: number): Promise<void> {
  const slot = i % f.keys.length;
  const key = f.keys[slot];
  if (op === "raw-lookup") {
    if (!f.rawLookup) throw new Error("raw-lookup runs on libSQL fixtures only");
    await f.rawLookup(hashKey(key));
  } else if (op === "load") {
    await session(f.store, key).get("n");
  } else if (op === "load+save") {
    const s = session(f.store, key);
    await s.get("n");
    await s.set("cart", randomBytes(4).toString("hex"));
    await s.save();
  } else if (op === "increment") {
    await session(f.store, key).increment("n");
  } else {
    const s = session(f.store, key);
    await s.cycleKey();
    f.keys[slot] = s.sessionKey!;
  }
}

/** Operations per second over `ms` milliseconds, one at a time (as one request path runs them). */
export async function opsPerSecond(f: StoreFixture, op: StoreOp, ms: number): Promise<number> {
  const start = performance.now();
  let count = 0;
  while (performance.now() - start < ms) await runOnce(f, op, count++);
  return count / ((performance.now() - start) / 1000);
}

/** The same op on several fixtures in alternating rounds (a b c, c b a, …); ops/s per fixture. */
export async function alternateOps(fixtures: StoreFixture[], op: StoreOp, rounds: number, ms: number): Promise<number[]> {
  const sums = fixtures.map(() => 0);
  const indices = [...fixtures.keys()];
  for (let r = 0; r < rounds; r++) for (const i of r % 2 === 0 ? indices : [...indices].reverse()) sums[i] += await opsPerSecond(fixtures[i], op, ms);
  return sums.map((s) => s / rounds);
}
