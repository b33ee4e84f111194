// The write-ahead log of a local database is folded back into the file while the server runs,
// although the session store's writes commit without SQLite's own automatic checkpoint.
import { libsqlConnection } from "../lib/sessions";
import assert from "node:assert/strict";
import { statSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, it } from "node:test";
import { LibsqlStore } from "../lib/session/testing";
import { CHECKPOINT_INTERVAL_MS } from "../lib/db/checkpoint";
import { tempDatabase } from "./harness";

describe("write-ahead log", () => {
  it("stays about one interval's writes long under steady visits, instead of growing a page per visit", async () => {
    const { db } = await tempDatabase();
    const store = new LibsqlStore(libsqlConnection(db));
    const ctx = { expiresAt: Date.now() + 3_600_000, maxBytes: 65_536 };
    const BURST = 2000;
    const PAGE = 4096 + 24; // a frame: one page and its header
    for (let burst = 0; burst < 3; burst++) {
      for (let i = 0; i < BURST; i++) await store.increment("a-key", "visits", 1, ctx);
      await sleep(CHECKPOINT_INTERVAL_MS * 1.3); // a checkpoint runs meanwhile
    }
    const walBytes = statSync(`${db.$local!.file}-wal`).size;
    assert.ok(walBytes < 1.5 * BURST * PAGE, `the log holds ${Math.round(walBytes / PAGE)} frames after ${3 * BURST} one-page writes`);
    const loaded = await store.load("a-key");
    assert.ok(loaded.state === "live");
    assert.equal(loaded.data.visits, 3 * BURST, "every write is in the database");
  });
});
