// Store figures, straight through lib/session (no HTTP): operations per second at a
// table size, and a bare primary-key SELECT through the same client as the yardstick.
import { hashKey, newSessionKey, detachedSession, LibsqlStore } from "../../lib/session";
import { libsqlConnection } from "../../lib/sessions";
import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { openDatabase, type Database } from "../../lib/db/client";
import { prepareDatabase } from "../../lib/db/prepare";

const OPTIONS = { cookieAge: 1_209_600, expireAtBrowserClose: false, saveEveryRequest: false, maxBytes: 65_536 };
const HOT_SESSIONS = 1000;

export interface StoreFixture {
  db: Database;
  store: LibsqlStore;
  keys: string[];
  rows: number;
}

export function tempDbFile(name: string): string {
  return path.join(mkdtempSync(path.join(tmpdir(), "sessions-bench-")), `${name}.db`);
}

/** Fills the table with `rows` sessions (random key hashes, as real ones are), expired or live. */
export async function fillRows(db: Database, rows: number, expired: boolean): Promise<void> {
  const now = Date.now();
  const expiresAt = expired ? now - 1000 : now + 86_400_000;
  for (let done = 0; done < rows; done += 100_000) {
    const n = Math.min(100_000, rows - done);
    await db.$client.execute({
      sql: `WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < ?)
            INSERT INTO sessions (key_hash, data, expires_at, created_at, updated_at)
            SELECT lower(hex(randomblob(32))), '{"num_visits":1}', ?, ?, ? FROM seq`,
      args: [n, expiresAt, now, now],
    });
  }
  // Fold the filling's WAL into the file, as a server's autocheckpoints would have.
  await db.$client.execute("PRAGMA wal_checkpoint(TRUNCATE)");
}

export async function storeFixture(rows: number): Promise<StoreFixture> {
  const db = openDatabase(`file:${tempDbFile(`store-${rows}`)}`);
  await prepareDatabase(db);
  await fillRows(db, rows - HOT_SESSIONS, false);
  const store = new LibsqlStore(libsqlConnection(db));
  const keys = Array.from({ length: HOT_SESSIONS }, () => newSessionKey());
  for (const key of keys) await session(store, key).increment("n");
  return { db, store, keys, rows };
}

const session = (store: LibsqlStore, key: string) => detachedSession(store, OPTIONS, key);

export type StoreOp = "load+save" | "increment" | "cycleKey" | "raw-lookup";

async function runOnce(f: StoreFixture, op: StoreOp, i: number): Promise<void> {
  const slot = i % f.keys.length;
  const key = f.keys[slot];
  if (op === "raw-lookup") {
    await f.store.statements.all("SELECT data FROM sessions WHERE key_hash = :keyHash", { keyHash: hashKey(key) });
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

/** The same op on several fixtures, alternating rounds; ops/s per fixture. */
export async function alternateOps(fixtures: StoreFixture[], op: StoreOp, rounds: number, ms: number): Promise<number[]> {
  const sums = fixtures.map(() => 0);
  for (let r = 0; r < rounds; r++) for (const [i, f] of fixtures.entries()) sums[i] += await opsPerSecond(f, op, ms);
  return sums.map((s) => s / rounds);
}
