import { createClient } from "@libsql/client";
import { readFileSync } from "node:fs";
import { LibsqlStore, parseSecrets, readSettings, serverSideEngine } from "next-django-sessions";
import { createSessions, type Sessions } from "next-django-sessions/next";

// SESSION_SECRET, else the one `npm run setup` generated into data/ (gitignored).
const secret = () => process.env.SESSION_SECRET ?? readFileSync("data/session-secret", "utf8");

let built: Sessions | undefined;
// Built on first use, not while `next build` loads the routes.
export const sessions = () =>
  (built ??= createSessions({
    engine: serverSideEngine(new LibsqlStore({ client: createClient({ url: "file:data/sessions.db" }) }), parseSecrets(secret())),
    settings: readSettings(process.env, ["db"]),
  }));
