import { migrate } from "drizzle-orm/libsql/migrator";
import path from "node:path";
import type { Database } from "./client";
import { seedDemoData } from "./seed";

/** Applies the migrations in drizzle/ and seeds the demo data; safe to run on every start. */
export async function prepareDatabase(database: Database): Promise<void> {
  if (database.$client.protocol === "file") await database.$client.execute("PRAGMA journal_mode = WAL");
  await migrate(database, { migrationsFolder: path.join(process.cwd(), "drizzle") });
  await seedDemoData(database);
}
