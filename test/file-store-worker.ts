// One process of test/file-store.test.ts on a shared session directory.
// argv: mode, directory, key, and for "increment" how many.
//   increment: that many concurrent increments of the key's "n"; prints the values returned.
//   hold: takes the key's file lock and never lets go; prints "locked" (the test kills it).
import { FileStore, hashKey } from "../lib/session/testing";

const [mode, directory, key, count] = process.argv.slice(2);
const store = new FileStore(directory);
const ctx = { expiresAt: Date.now() + 3_600_000, maxBytes: 65_536 };

if (mode === "increment") {
  const values = await Promise.all(Array.from({ length: Number(count) }, () => store.increment(key, "n", 1, ctx)));
  process.stdout.write(JSON.stringify(values));
} else if (mode === "hold") {
  const keyHash = hashKey(key);
  await store.layout.ensureDir(store.layout.bucketOf(keyHash));
  await store.locks.run(store.layout.sessionFile(keyHash), async () => {
    process.stdout.write("locked\n");
    await new Promise(() => setInterval(() => {}, 1000)); // held (the process kept alive) until killed
  });
}
