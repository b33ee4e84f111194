// `npm run sessions:clear`: Django's clearsessions management command.
import { db } from "../lib/db/client";
import { prepareDatabase } from "../lib/db/prepare";
import { clearExpiredSessions } from "../lib/session/clear";
import { requestStore } from "../lib/session/engine";

await prepareDatabase(db());
const started = performance.now();
const deleted = await clearExpiredSessions(requestStore());
const seconds = (performance.now() - started) / 1000;
const peakMb = process.resourceUsage().maxRSS / 1024;
console.log(`Deleted ${deleted} expired session${deleted === 1 ? "" : "s"} in ${seconds.toFixed(2)} s (peak RSS ${peakMb.toFixed(0)} MB).`);
