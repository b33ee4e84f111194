// `npm run sessions:clear`: Django's clearsessions management command.
import { readFileSync } from "node:fs";
import { db } from "../lib/db/client";
import { prepareDatabase } from "../lib/db/prepare";
import { sessions } from "../lib/sessions";

await prepareDatabase(db());
// For this one connection: a 64 MB page cache keeps a batch's index pages between batches,
// and fewer, larger WAL checkpoints copy each page back once rather than many times.
if (db().$client.protocol === "file") {
  await db().$client.execute("PRAGMA cache_size = -65536");
  await db().$client.execute("PRAGMA wal_autocheckpoint = 20000");
}
const started = performance.now();
const deleted = await sessions().clearExpired();
const seconds = (performance.now() - started) / 1000;
const peakMb = peakRssKb() / 1024;
console.log(`Deleted ${deleted} expired session${deleted === 1 ? "" : "s"} in ${seconds.toFixed(2)} s (peak RSS ${peakMb.toFixed(0)} MB).`);

/**
 * This process's peak memory. Linux's getrusage maxrss survives fork+exec, so a
 * parent's size would show up here; VmHWM belongs to this program alone.
 */
function peakRssKb(): number {
  try {
    return Number(readFileSync("/proc/self/status", "utf8").match(/^VmHWM:\s+(\d+) kB/m)?.[1] ?? NaN) || process.resourceUsage().maxRSS;
  } catch {
    return process.resourceUsage().maxRSS;
  }
}
