// The example app in Chromium against `next start`: what a developer's first session-backed app does.
import { expect, test, type BrowserContext, type Page } from "@playwright/test";

const COOKIE = "sessionid";

async function sessionCookie(context: BrowserContext): Promise<string | undefined> {
  return (await context.cookies()).find((cookie) => cookie.name === COOKIE)?.value;
}

const visits = (page: Page) => page.getByTestId("visits");

/** GET /api/visits from the page itself, as its own script would. */
const sessionJson = (page: Page) => page.evaluate(async () => (await fetch("/api/visits")).json() as Promise<{ visits: number; note: string | null }>);

test("the counter increments across reloads", async ({ page }) => {
  await page.goto("/");
  await expect(visits(page)).toHaveText("1");
  await page.reload();
  await expect(visits(page)).toHaveText("2");
  await page.reload();
  await expect(visits(page)).toHaveText("3");
});

test("the server action writes to the session and the page shows it", async ({ page }) => {
  await page.goto("/");
  await page.getByLabel("Note").fill("hello from an action");
  await page.getByRole("button", { name: "Save note" }).click();
  await expect(page.getByTestId("note")).toHaveText("hello from an action");
  await page.reload();
  await expect(page.getByTestId("note")).toHaveText("hello from an action");
});

test("the route handler reads and writes the same session as JSON", async ({ page }) => {
  await page.goto("/");
  await page.reload();
  await expect(visits(page)).toHaveText("2");
  expect(await sessionJson(page)).toEqual({ visits: 2, note: null });
  const posted = await page.evaluate(async () => {
    const response = await fetch("/api/visits", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ note: "from JSON" }) });
    return { status: response.status, body: await response.json(), cacheControl: response.headers.get("cache-control") };
  });
  expect(posted).toEqual({ status: 200, body: { note: "from JSON" }, cacheControl: "private, no-store" });
  const refused = await page.evaluate(async () => (await fetch("/api/visits", { method: "POST", body: "not json" })).status);
  expect(refused).toBe(400);
  const tooLarge = await page.evaluate(async () => (await fetch("/api/visits", { method: "POST", body: JSON.stringify({ note: "x".repeat(4 << 20) }) })).status);
  expect(tooLarge).toBe(413);
  await page.reload();
  await expect(page.getByTestId("note")).toHaveText("from JSON");
});

test("a cross-origin POST to the route handler is refused and changes nothing", async ({ page, request }) => {
  await page.goto("/");
  const response = await request.post("/api/visits", { headers: { Origin: "http://evil.example", Cookie: `${COOKIE}=${await sessionCookie(page.context())}` }, data: { note: "forged" } });
  expect(response.status()).toBe(403);
  expect((await sessionJson(page)).note).toBeNull();
});

test("signing out gives a new cookie and empty data, and the old key is dead", async ({ page, browser, baseURL }) => {
  await page.goto("/");
  await page.getByLabel("Note").fill("before sign-out");
  await page.getByRole("button", { name: "Save note" }).click();
  await expect(page.getByTestId("note")).toHaveText("before sign-out");
  const before = await sessionCookie(page.context());
  expect(before).toBeTruthy();

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByTestId("note")).toHaveText("");
  const after = await sessionCookie(page.context());
  expect(after).toBeTruthy();
  expect(after).not.toBe(before);
  expect((await sessionJson(page)).note).toBeNull();

  // A copy of the old cookie (say, stolen before the sign-out) opens an empty, new session.
  const thief = await browser.newContext();
  await thief.addCookies([{ name: COOKIE, value: before!, url: baseURL! }]);
  const thiefPage = await thief.newPage();
  await thiefPage.goto("/");
  await expect(visits(thiefPage)).toHaveText("1");
  await expect(thiefPage.getByTestId("note")).toHaveText("");
  expect(await sessionCookie(thief)).not.toBe(before);
  await thief.close();
});

test("a tampered cookie is a new session", async ({ page, baseURL }) => {
  await page.goto("/");
  await page.reload();
  await expect(visits(page)).toHaveText("2");
  const sealed = (await sessionCookie(page.context()))!;
  const flipped = sealed.slice(0, 20) + (sealed[20] === "A" ? "B" : "A") + sealed.slice(21);
  await page.context().addCookies([{ name: COOKIE, value: flipped, url: baseURL! }]);
  await page.reload();
  await expect(visits(page)).toHaveText("1");
  const replaced = await sessionCookie(page.context());
  expect(replaced).toBeTruthy();
  expect(replaced).not.toBe(flipped);
});
