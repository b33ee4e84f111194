// `npm run setup` (run before `dev`, `build` and `start`), as Django's `migrate`: creates the session tables in
// data/sessions.db from the package's schema.sql (idempotent), and a secret in data/session-secret
// unless one exists (used when SESSION_SECRET is not set).
import { createClient } from "@libsql/client";
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";

mkdirSync("data", { recursive: true });
const schema = readFileSync(createRequire(import.meta.url).resolve("next-django-sessions/schema.sql"), "utf8");
const client = createClient({ url: "file:data/sessions.db" });
await client.executeMultiple(schema);
client.close();
try {
  writeFileSync("data/session-secret", randomBytes(32).toString("base64url"), { mode: 0o600, flag: "wx" });
} catch (error) {
  if (error.code !== "EEXIST") throw error;
}
