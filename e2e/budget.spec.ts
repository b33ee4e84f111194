// Resource budgets per client (issue 21, item 2), against a real `next start`: what one client
// that is not signed in can make the server store, in rows and bytes, and that a client over its
// budget gets a clear 4xx on route handlers while pages that write as they render still render.
import { createClient } from "@libsql/client";
import { expect, test } from "@playwright/test";
import { DEMO_USER } from "./fixtures";
import { COOKIE_NAME } from "./env";
import { startServer, type TestServer } from "./server";

test.describe.configure({ mode: "serial" });

const BUDGET = {
  SESSION_ENGINE: "db",
  SESSION_ANONYMOUS_NEW_PER_MINUTE: "20",
  SESSION_ANONYMOUS_BYTES_PER_MINUTE: "300000",
  SESSION_ANONYMOUS_MAX_BYTES: "16384",
  SESSION_ANONYMOUS_MAX_SESSIONS: "1000",
};

async function storedRows(server: TestServer): Promise<{ rows: number; bytes: number }> {
  const client = createClient({ url: `file:${server.dbFile}`, timeout: 5000 });
  try {
    const row = (await client.execute("SELECT count(*) AS n, coalesce(sum(length(CAST(data AS BLOB))), 0) AS bytes FROM sessions")).rows[0];
    return { rows: Number(row.n), bytes: Number(row.bytes) };
  } finally {
    client.close();
  }
}

/** A cookie-less PATCH /api/session with same-origin headers, as a script sends it. */
function patch(server: TestServer, value: string): Promise<Response> {
  return fetch(`${server.baseURL}/api/session`, {
    method: "PATCH",
    headers: { origin: server.baseURL, "content-type": "application/json" },
    body: JSON.stringify({ set: { v: value } }),
  });
}

test("one client without a cookie: at most SESSION_ANONYMOUS_NEW_PER_MINUTE rows, each within SESSION_ANONYMOUS_MAX_BYTES; then 429, never 5xx", async () => {
  const server = await startServer({ env: BUDGET });
  try {
    const before = await storedRows(server);
    const statuses: number[] = [];
    let refusal = "";
    for (let i = 0; i < 60; i++) {
      const response = await patch(server, "x".repeat(10_000));
      statuses.push(response.status);
      if (response.status === 429) refusal ||= String(((await response.json()) as { error: string }).error);
    }
    const count = (s: number) => statuses.filter((x) => x === s).length;
    console.log(`# 60 cookie-less PATCHes of 10 KB: ${count(200)} stored, ${count(429)} refused (429)`);
    expect(statuses.every((s) => s === 200 || s === 429), `statuses ${[...new Set(statuses)].join(", ")}`).toBe(true);
    expect(count(200)).toBeLessThanOrEqual(20);
    expect(refusal).toMatch(/too many new sessions or too much session data/i);
    const oversized = await patch(server, "y".repeat(20_000));
    expect([413, 429]).toContain(oversized.status);
    const after = await storedRows(server);
    expect(after.rows - before.rows, "rows one client made").toBeLessThanOrEqual(20);
    expect(after.bytes - before.bytes, "bytes one client made").toBeLessThanOrEqual(300_000);

    // Over budget, /library still renders (the visit is not counted); other pages too.
    for (let i = 0; i < 5; i++) {
      const library = await fetch(`${server.baseURL}/library`);
      expect(library.status).toBe(200);
      expect(await library.text()).toContain("You have visited this page");
    }
    expect((await fetch(`${server.baseURL}/`)).status).toBe(200);
    // The sign-in prompt's message is dropped over budget, never the way to sign in.
    const required = await fetch(`${server.baseURL}/login/required`, { redirect: "manual" });
    expect(required.status).toBe(303);
    expect(required.headers.get("location")).toBe("/login");
    expect((await storedRows(server)).rows - before.rows).toBeLessThanOrEqual(20);
    expect(server.logs.filter((line) => /unavailable|SQLITE_FULL|Error:/.test(line)), "no outage, no stack trace").toEqual([]);
  } finally {
    await server.stop();
  }
});

test("a client with a session of its own keeps it while over budget for new ones", async () => {
  const server = await startServer({ env: BUDGET });
  try {
    const first = await fetch(`${server.baseURL}/library`, { redirect: "manual" });
    const cookie = (first.headers.getSetCookie().find((c) => c.startsWith(`${COOKIE_NAME}=`)) ?? "").split(";")[0];
    expect(cookie).not.toBe("");
    for (let i = 0; i < 30; i++) await fetch(`${server.baseURL}/library`);
    const again = await fetch(`${server.baseURL}/library`, { headers: { cookie } });
    expect(again.status).toBe(200);
    expect((await again.text()).replaceAll("<!-- -->", "")).toContain("You have visited this page 2 times.");
  } finally {
    await server.stop();
  }
});

test("many addresses (behind a trusted proxy): anonymous rows stay within SESSION_ANONYMOUS_MAX_SESSIONS, and a user still signs in", async ({ page }) => {
  const bound = 40;
  const server = await startServer({ env: { ...BUDGET, SESSION_ANONYMOUS_MAX_SESSIONS: String(bound), SESSION_TRUSTED_PROXIES: "1" } });
  try {
    const statuses = new Set<number>();
    for (let i = 0; i < 300; i++) {
      const response = await fetch(`${server.baseURL}/api/session`, {
        method: "PATCH",
        headers: { origin: server.baseURL, "content-type": "application/json", "x-forwarded-for": `198.18.${i >> 8}.${i & 255}` },
        body: JSON.stringify({ set: { v: "x".repeat(4_000) } }),
      });
      statuses.add(response.status);
    }
    expect([...statuses].every((s) => s < 500), `statuses ${[...statuses].join(", ")}`).toBe(true);
    const client = createClient({ url: `file:${server.dbFile}`, timeout: 5000 });
    const anonymous = Number((await client.execute("SELECT count(*) AS n FROM sessions WHERE user_id IS NULL")).rows[0].n);
    client.close();
    console.log(`# 300 addresses, one 4 KB session each: ${anonymous} anonymous rows kept (bound ${bound})`);
    expect(anonymous).toBeLessThanOrEqual(bound);
    await page.goto(`${server.baseURL}/login`);
    await page.getByLabel("Username").fill(DEMO_USER.username);
    await page.getByLabel("Password").fill(DEMO_USER.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByText("Signed in as john_doe (user 123)")).toBeVisible();
  } finally {
    await server.stop();
  }
});
