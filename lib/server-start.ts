// Side effects of a server process starting: settings checked, migrations and demo data applied.
import { db } from "./db/client";
import { prepareDatabase } from "./db/prepare";
import { secrets } from "./session/secret";
import { settings } from "./session/settings";

try {
  settings();
  secrets();
} catch (error) {
  console.error(`[session] configuration error: ${(error as Error).message}`);
  process.exit(1);
}
await prepareDatabase(db());
