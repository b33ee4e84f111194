// /account/password (Django's password change with update_session_auth_hash), on a server of its
// own: it changes john_doe's password, which the shared servers' other tests sign in with.
import type { Browser, BrowserContext, Page } from "@playwright/test";
import { COOKIE_NAME } from "./env";
import { expect, sessionCookie, signIn, test } from "./fixtures";
import { startServer, type TestServer } from "./server";

test.skip(({ engine }) => engine !== "db", "starts its own server (the password change is server-side state): runs once, in the db project");
test.setTimeout(120_000);

const USERNAME = "john_doe";
const OLD_PASSWORD = "django-sessions";
const NEW_PASSWORD = "a much better passphrase";
const SIGNED_IN = "Signed in as john_doe (user 123)";

async function signedInBrowser(browser: Browser, server: TestServer, javaScriptEnabled = true): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ baseURL: server.baseURL, javaScriptEnabled });
  const page = await context.newPage();
  await signIn(page, { password: OLD_PASSWORD });
  await expect(page.getByText(SIGNED_IN)).toBeVisible();
  return { context, page };
}

async function cookieOf(context: BrowserContext): Promise<string> {
  const cookie = await sessionCookie(context);
  expect(cookie, "a session cookie").toBeDefined();
  return cookie!.value;
}

test("changing the password ends every other session and keeps this one signed in under a new key", async ({ browser }) => {
  const server = await startServer();
  try {
    const here = await signedInBrowser(browser, server);
    const elsewhere = await signedInBrowser(browser, server);
    const before = await cookieOf(here.context);

    // A wrong current password changes nothing.
    await here.page.goto("/account/password");
    await here.page.getByLabel("Current password").fill("not the password");
    await here.page.getByLabel("New password").fill(NEW_PASSWORD);
    await here.page.getByRole("button", { name: "Change password" }).click();
    await expect(here.page.getByText("The current password is not right.")).toBeVisible();
    await elsewhere.page.goto("/account");
    await expect(elsewhere.page.getByText(SIGNED_IN)).toBeVisible();

    await here.page.getByLabel("Current password").fill(OLD_PASSWORD);
    await here.page.getByLabel("New password").fill(NEW_PASSWORD);
    await here.page.getByRole("button", { name: "Change password" }).click();
    await expect(here.page).toHaveURL(/\/account$/);
    await expect(here.page.getByRole("status")).toHaveText("Your password was changed. 1 other device was signed out.");
    await expect(here.page.getByText(SIGNED_IN)).toBeVisible();
    expect(await cookieOf(here.context), "a new key for this device").not.toBe(before);

    // The other device is signed out; so is a copy of this device's old cookie.
    await elsewhere.page.goto("/account");
    await expect(elsewhere.page).toHaveURL(/\/login$/);
    const replay = await browser.newContext({ baseURL: server.baseURL });
    await replay.addCookies([{ name: COOKIE_NAME, value: before, url: server.baseURL }]);
    const replayPage = await replay.newPage();
    await replayPage.goto("/account");
    await expect(replayPage).toHaveURL(/\/login$/);

    // The old password no longer signs in; the new one does.
    const fresh = await browser.newContext({ baseURL: server.baseURL });
    const freshPage = await fresh.newPage();
    await signIn(freshPage, { password: OLD_PASSWORD });
    await expect(freshPage.getByText("Invalid username or password")).toBeVisible();
    await signIn(freshPage, { password: NEW_PASSWORD });
    await expect(freshPage.getByText(SIGNED_IN)).toBeVisible();
    await Promise.all([here.context.close(), elsewhere.context.close(), replay.close(), fresh.close()]);
  } finally {
    await server.stop();
  }
});

test("without JavaScript the password form posts, refuses a short new password, and changes it", async ({ browser }) => {
  const server = await startServer();
  try {
    const { context, page } = await signedInBrowser(browser, server, false);
    await page.goto("/account/password");
    await page.getByLabel("Current password").fill(OLD_PASSWORD);
    // The browser's own minlength check would stop a short one: submit the form as a script-less client could.
    await page.getByLabel("New password").evaluate((input) => input.removeAttribute("minlength"));
    await page.getByLabel("New password").fill("short");
    await page.getByRole("button", { name: "Change password" }).click();
    await expect(page.getByText("The new password must be at least 8 characters.")).toBeVisible();
    await page.getByLabel("Current password").fill(OLD_PASSWORD);
    await page.getByLabel("New password").fill(NEW_PASSWORD);
    await page.getByRole("button", { name: "Change password" }).click();
    await expect(page.getByText("Your password was changed.")).toBeVisible();
    await expect(page.getByText(SIGNED_IN)).toBeVisible();
    await context.close();
  } finally {
    await server.stop();
  }
});

test("/account/password without a signed-in session goes to the login page, and back after it", async ({ browser }) => {
  const server = await startServer();
  try {
    const context = await browser.newContext({ baseURL: server.baseURL });
    const page = await context.newPage();
    await page.goto("/account/password");
    await expect(page).toHaveURL(/\/login\?next=%2Faccount%2Fpassword$/);
    await page.getByLabel("Username").fill(USERNAME);
    await page.getByLabel("Password").fill(OLD_PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page).toHaveURL(/\/account\/password$/);
    await expect(page.getByRole("button", { name: "Change password" })).toBeVisible();
    await context.close();
  } finally {
    await server.stop();
  }
});

test("cookie engine: the password change succeeds and says what it could not do; other devices are signed out by the hash; device actions called directly answer, not 500", async ({ browser, baseURL }) => {
  // The action ids of the devices page's forms, from the db project's server (one build: the same ids).
  const source = await browser.newContext({ baseURL });
  const [sourcePage, otherPage] = [await source.newPage(), await (await browser.newContext({ baseURL })).newPage()];
  for (const page of [otherPage, sourcePage]) {
    await signIn(page, { password: OLD_PASSWORD });
    await expect(page.getByText(SIGNED_IN)).toBeVisible();
  }
  await sourcePage.goto("/account/devices");
  const actionId = (button: string) => sourcePage.locator("form", { has: sourcePage.getByRole("button", { name: button, exact: true }) }).locator('input[name^="$ACTION_ID_"]').getAttribute("name");
  const [othersAction, everywhereAction] = [await actionId("Sign out other devices"), await actionId("Sign out everywhere")];
  expect(othersAction && everywhereAction).toBeTruthy();
  await Promise.all([source.close(), otherPage.context().close()]);

  const server = await startServer({ env: { SESSION_ENGINE: "cookie" } });
  try {
    const here = await signedInBrowser(browser, server);
    const elsewhere = await signedInBrowser(browser, server);
    /** Posts a copy of a devices-page form from this site, as a script could. */
    const post = (page: Page, action: string) =>
      page.evaluate((name) => {
        const form = Object.assign(document.createElement("form"), { method: "POST", action: "/account/devices", enctype: "multipart/form-data" });
        form.append(Object.assign(document.createElement("input"), { type: "hidden", name, value: "" }));
        document.body.append(form);
        form.submit();
      }, action);
    const failures: string[] = [];
    here.page.on("response", (response) => void (response.status() >= 500 && failures.push(`${response.status()} ${response.url()}`)));

    await here.page.goto("/account/devices");
    await post(here.page, othersAction!);
    await expect(here.page.getByRole("status")).toContainText("Other devices could not be signed out");
    await expect(here.page.getByText("Change your password to sign them out.")).toBeVisible();

    await here.page.goto("/account/password");
    await here.page.getByLabel("Current password").fill(OLD_PASSWORD);
    await here.page.getByLabel("New password").fill(NEW_PASSWORD);
    await here.page.getByRole("button", { name: "Change password" }).click();
    await expect(here.page).toHaveURL(/\/account$/);
    await expect(here.page.getByRole("status")).toHaveText(
      "Your password was changed. Other devices signed in with the old password are signed out; this site keeps sessions in browser cookies, so they cannot be counted.",
    );
    await expect(here.page.getByText(SIGNED_IN)).toBeVisible();
    await elsewhere.page.goto("/account");
    await expect(elsewhere.page).toHaveURL(/\/login$/);

    await here.page.goto("/account/devices");
    await post(here.page, everywhereAction!);
    await expect(here.page).toHaveURL(/\/login$/);
    await expect(here.page.getByRole("status")).toContainText("You have been signed out on this device. Other devices could not be signed out");
    expect(failures).toEqual([]);
    await Promise.all([here.context.close(), elsewhere.context.close()]);
  } finally {
    await server.stop();
  }
});
