// /account/devices: sign out one chosen device, then the rest; on a server of its own, so the list
// holds only this test's browsers.
import type { Browser, BrowserContext, Page } from "@playwright/test";
import { expect, signIn, test } from "./fixtures";
import { startServer, type TestServer } from "./server";

test.skip(({ engine }) => engine !== "db", "only server-side sessions can be listed: runs once, in the db project");
test.setTimeout(120_000);

const SIGNED_IN = "Signed in as john_doe (user 123)";
const AGENTS = {
  laptop: "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0",
  phone: "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
  desktop: "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
};

async function signedIn(browser: Browser, server: TestServer, userAgent: string, javaScriptEnabled = true): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ baseURL: server.baseURL, userAgent, javaScriptEnabled });
  const page = await context.newPage();
  await signIn(page);
  await expect(page.getByText(SIGNED_IN)).toBeVisible();
  return { context, page };
}

async function isSignedIn(page: Page): Promise<boolean> {
  await page.goto("/account");
  return (await page.getByText(SIGNED_IN).count()) > 0;
}

for (const javaScriptEnabled of [true, false]) {
  test(`one chosen device is signed out alone, then the others; the button goes when none is left (JavaScript ${javaScriptEnabled ? "on" : "off"})`, async ({ browser }) => {
    const server = await startServer();
    try {
      const laptop = await signedIn(browser, server, AGENTS.laptop, javaScriptEnabled);
      const phone = await signedIn(browser, server, AGENTS.phone);
      const desktop = await signedIn(browser, server, AGENTS.desktop);
      const page = laptop.page;
      await page.goto("/account/devices");
      const row = (text: string) => page.getByRole("row").filter({ hasText: text });
      await expect(row("This device")).toContainText("Firefox on Windows");
      await expect(row("Safari on iOS")).toHaveCount(1);
      await expect(row("Safari on macOS")).toHaveCount(1);

      await row("Safari on iOS").getByRole("button", { name: /^Sign out Safari on iOS/ }).click();
      await expect(page.getByText("Signed out 1 other device.")).toBeVisible();
      await expect(row("Safari on iOS")).toHaveCount(0);
      await expect(row("Safari on macOS")).toHaveCount(1);
      expect(await isSignedIn(phone.page), "the chosen device is signed out").toBe(false);
      expect(await isSignedIn(desktop.page), "the others are not").toBe(true);

      await page.goto("/account/devices");
      await page.getByRole("button", { name: "Sign out other devices" }).click();
      await expect(page.getByText("Signed out 1 other device.")).toBeVisible();
      expect(await isSignedIn(desktop.page)).toBe(false);
      await page.goto("/account/devices");
      await expect(page.getByText("No other device is signed in.")).toBeVisible();
      await expect(page.getByRole("button", { name: "Sign out other devices" })).toHaveCount(0);
      expect(await isSignedIn(page), "this device stays signed in").toBe(true);
      await Promise.all([laptop.context.close(), phone.context.close(), desktop.context.close()]);
    } finally {
      await server.stop();
    }
  });
}

test("a forged device id signs nobody out", async ({ browser }) => {
  const server = await startServer();
  try {
    const laptop = await signedIn(browser, server, AGENTS.laptop);
    const phone = await signedIn(browser, server, AGENTS.phone);
    const page = laptop.page;
    await page.goto("/account/devices");
    const form = page.getByRole("row").filter({ hasText: "Safari on iOS" }).locator("form");
    for (const forged of ["AAAAAAAAAAAA", "'; DROP TABLE", "x".repeat(5000)]) {
      await form.locator('input[name="device"]').evaluate((input, value) => ((input as HTMLInputElement).value = value), forged);
      await form.getByRole("button").click();
      await expect(page.getByText("Signed out 0 other devices.")).toBeVisible();
      await page.goto("/account/devices");
    }
    expect(await isSignedIn(phone.page)).toBe(true);
    await Promise.all([laptop.context.close(), phone.context.close()]);
  } finally {
    await server.stop();
  }
});

test("rows a person can tell apart: this device first, its network (never the address), relative times", async ({ browser }) => {
  const server = await startServer();
  try {
    const phone = await signedIn(browser, server, AGENTS.phone);
    const laptop = await signedIn(browser, server, AGENTS.laptop);
    const page = laptop.page;
    await page.goto("/account/devices");
    const rows = page.locator("table.devices tbody tr");
    await expect(rows).toHaveCount(2);
    await expect(rows.first()).toContainText("This device");
    await expect(rows.first()).toContainText("Firefox on Windows");
    for (const row of [rows.first(), rows.nth(1)]) {
      await expect(row).toContainText(/(127\.0\.0\.0\/24|::\/48)/);
      await expect(row).not.toContainText(/127\.0\.0\.1|::1\b/);
      await expect(row.locator("time").first()).toHaveText(/^(just now|\d+ minutes? ago)$/);
    }
    await expect(page.getByRole("columnheader", { name: "Sign out" })).toBeVisible();
    await Promise.all([laptop.context.close(), phone.context.close()]);
  } finally {
    await server.stop();
  }
});

test("Sign out everywhere ends every session of the user, this one too; the ended cookies no longer work", async ({ browser }) => {
  const server = await startServer();
  try {
    const phone = await signedIn(browser, server, AGENTS.phone);
    const laptop = await signedIn(browser, server, AGENTS.laptop);
    const copied = (await laptop.context.cookies()).filter((c) => !c.name.startsWith("session_"));
    await laptop.page.goto("/account/devices");
    await laptop.page.getByRole("button", { name: "Sign out everywhere" }).click();
    await expect(laptop.page).toHaveURL(/\/login$/);
    await expect(laptop.page.getByRole("status")).toHaveText("You have been signed out on every device (this one and 1 other).");
    expect(await isSignedIn(laptop.page)).toBe(false);
    expect(await isSignedIn(phone.page)).toBe(false);
    // A copy of the laptop's cookie from before is as dead as the laptop's session.
    const replay = await browser.newContext({ baseURL: server.baseURL });
    await replay.addCookies(copied);
    expect(await isSignedIn(await replay.newPage())).toBe(false);
    await Promise.all([laptop.context.close(), phone.context.close(), replay.close()]);
  } finally {
    await server.stop();
  }
});
