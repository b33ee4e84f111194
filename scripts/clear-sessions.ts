// `npm run sessions:clear`: Django's clearsessions management command.
import { db } from "../lib/db/client";
import { prepareDatabase } from "../lib/db/prepare";
import { clearExpiredSessions } from "../lib/session/clear";
import { requestStore } from "../lib/session/engine";

await prepareDatabase(db());
// For this one connection: a 64 MB page cache keeps a batch's index pages between batches,
// and fewer, larger WAL checkpoints copy each page back once rather than many times.
if (db().$client.protocol === "file") {
  await db().$client.execute("PRAGMA cache_size = -65536");
  await db().$client.execute("PRAGMA wal_autocheckpoint = 20000");
}
const started = performance.now();
const deleted = await clearExpiredSessions(requestStore());
const seconds = (performance.now() - started) / 1000;
const peakMb = process.resourceUsage().maxRSS / 1024;
console.log(`Deleted ${deleted} expired session${deleted === 1 ? "" : "s"} in ${seconds.toFixed(2)} s (peak RSS ${peakMb.toFixed(0)} MB).`);
