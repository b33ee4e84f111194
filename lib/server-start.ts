// Side effects of a server process starting: settings checked, migrations and demo data applied.
import { db } from "./db/client";
import { boundHeapGrowth } from "./heap-growth";
import { prepareDatabase } from "./db/prepare";
import { readDatabaseSettings } from "./db/database-settings";
import { sessions } from "./sessions";
import { recordSocketAddresses } from "./socket-address";
import { keepVaryCookieOnPrivateResponses } from "./vary-cookie";

try {
  readDatabaseSettings();
  sessions();
} catch (error) {
  console.error(`[session] configuration error: ${(error as Error).message}`);
  process.exit(1);
}

boundHeapGrowth();
keepVaryCookieOnPrivateResponses();
recordSocketAddresses();

const RETRY_MS = 2000;

/**
 * A database that cannot be reached at start is not fatal: pages answer 503
 * meanwhile, and preparing is retried until it succeeds.
 */
async function prepareWhenReachable(): Promise<void> {
  try {
    await prepareDatabase(db());
  } catch (error) {
    console.error(`[session] database not ready (${(error as Error).message}); retrying in ${RETRY_MS / 1000} s`);
    setTimeout(prepareWhenReachable, RETRY_MS).unref();
  }
}

await prepareWhenReachable();
sessions().startSweep((error) => console.error(`[session] expiry sweep failed: ${(error as Error).message}`));
