// `npm run sessions:clear`: Django's clearsessions management command.
import { db } from "../lib/db/client";
import { prepareDatabase } from "../lib/db/prepare";
import { clearExpiredSessions } from "../lib/session/clear";
import { requestStore } from "../lib/session/engine";

await prepareDatabase(db());
const deleted = await clearExpiredSessions(requestStore());
console.log(`Deleted ${deleted} expired session${deleted === 1 ? "" : "s"}.`);
