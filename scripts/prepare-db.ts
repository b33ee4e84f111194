// Applies migrations and seeds the demo data once, before server processes start (start:cluster).
import { db } from "../lib/db/client";
import { prepareDatabase } from "../lib/db/prepare";

await prepareDatabase(db());
