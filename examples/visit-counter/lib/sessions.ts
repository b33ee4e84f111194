import { createClient } from "@libsql/client";
import { readFileSync } from "node:fs";
import { libsqlEngine, readSettings } from "next-django-sessions";
import { createSessions } from "next-django-sessions/next";

function build() {
  const settings = readSettings(process.env, ["db"]);
  // SESSION_SECRET, else the one `npm run setup` generated into data/ (gitignored).
  const secrets = settings.secrets ?? [readFileSync("data/session-secret", "utf8").trim()];
  const engine = libsqlEngine({ client: createClient({ url: "file:data/sessions.db" }) }, { secrets });
  return createSessions({ engine, settings });
}

let built: ReturnType<typeof build> | undefined;
// Built on first use, not while `next build` loads the routes.
export const sessions = () => (built ??= build());
