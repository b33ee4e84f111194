import { createClient } from "@libsql/client";
import { test as base, expect, type BrowserContext, type Page } from "@playwright/test";
import { hashKey, keyFromCookie } from "../lib/session/testing";
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

/** The seeded demo user. */
export const DEMO_USER = { username: "john_doe", password: "django-sessions" } as const;

/** Fills and submits the login form as a person would; the caller waits for what it expects next. */
export async function signIn(page: Page, { password = DEMO_USER.password, path = "/login" }: { password?: string; path?: string } = {}): Promise<void> {
  await page.goto(path);
  await page.getByLabel("Username").fill(DEMO_USER.username);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

export async function sessionCookie(context: BrowserContext) {
  return (await context.cookies()).find((c) => c.name === COOKIE_NAME);
}

export const test = base.extend<{ engine: EngineName }>({
  engine: async ({}, provide, testInfo) => {
    await provide(testInfo.project.name as EngineName);
  },
});
