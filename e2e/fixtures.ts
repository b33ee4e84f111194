import { createClient } from "@libsql/client";
import { test as base, expect, type BrowserContext } from "@playwright/test";
import { hashKey, keyFromCookie } from "../lib/session";
import { COOKIE_NAME, databaseFile, TEST_SECRET, type EngineName } from "./env";

export { expect };

export interface SessionRow {
  data: string;
  ended_at: number | null;
  user_id: number | null;
}

/** The database row of the session a cookie value names, if there is one. */
export async function sessionRow(engine: EngineName, cookieValue: string): Promise<SessionRow | undefined> {
  const key = await keyFromCookie(cookieValue, [TEST_SECRET]);
  if (!key) throw new Error("the cookie does not open with the test secret");
  const client = createClient({ url: `file:${databaseFile(engine)}`, timeout: 5000 });
  try {
    const result = await client.execute({ sql: "SELECT data, ended_at, user_id FROM sessions WHERE key_hash = ?", args: [hashKey(key)] });
    return result.rows[0] as unknown as SessionRow | undefined;
  } finally {
    client.close();
  }
}

export async function sessionCookie(context: BrowserContext) {
  return (await context.cookies()).find((c) => c.name === COOKIE_NAME);
}

export const test = base.extend<{ engine: EngineName }>({
  engine: async ({}, provide, testInfo) => {
    await provide(testInfo.project.name as EngineName);
  },
});
