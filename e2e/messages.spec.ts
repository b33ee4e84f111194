// One-time messages (Django's messages framework on our sessions): each shows once, with JavaScript
// on and off, and two concurrent actions keep both.
import type { Browser, Page } from "@playwright/test";
import { hiddenFields } from "./html";
import { expect, signIn, test } from "./fixtures";

const SIGNED_IN = "Signed in as john_doe (user 123)";


async function newPage(browser: Browser, baseURL: string | undefined, javaScriptEnabled: boolean): Promise<Page> {
  const context = await browser.newContext({ baseURL, javaScriptEnabled });
  return context.newPage();
}

const messages = (page: Page) => page.locator("ul.messages li");

for (const javaScriptEnabled of [true, false]) {
  const js = `JavaScript ${javaScriptEnabled ? "on" : "off"}`;

  test(`"Build saved." shows once, and the selects keep the saved build (${js})`, async ({ browser, baseURL }) => {
    const page = await newPage(browser, baseURL, javaScriptEnabled);
    await page.goto("/");
    await page.getByLabel("CPU").selectOption("AMD Ryzen 7");
    await page.getByLabel("GPU").selectOption("NVIDIA RTX 4070");
    await page.getByLabel("RAM").selectOption("64 GB");
    await page.getByRole("button", { name: "Save build" }).click();
    await expect(page.getByRole("status")).toHaveText("Build saved.");
    await expect(page.getByText("CPU: AMD Ryzen 7")).toBeVisible();
    await expect(page.getByLabel("CPU")).toHaveValue("AMD Ryzen 7");
    await expect(page.getByLabel("GPU")).toHaveValue("NVIDIA RTX 4070");
    await expect(page.getByLabel("RAM")).toHaveValue("64 GB");
    await page.reload();
    await expect(page.getByText("RAM: 64 GB")).toBeVisible();
    await expect(messages(page), "a reload no longer shows it").toHaveCount(0);
    await page.goto("/library");
    await expect(page.getByText("You have visited this page 1 time.")).toBeVisible();
    await expect(messages(page), "nor does the next page").toHaveCount(0);
    await page.context().close();
  });

  test(`sign-in, sign-out and the sign-in wall each say so once (${js})`, async ({ browser, baseURL }) => {
    const page = await newPage(browser, baseURL, javaScriptEnabled);
    await page.goto("/account");
    await expect(page).toHaveURL(/\/login$/);
    await expect(page.getByRole("status")).toHaveText("Please sign in to see your account.");
    await page.reload();
    await expect(messages(page)).toHaveCount(0);

    await signIn(page);
    await expect(page.getByText(SIGNED_IN)).toBeVisible();
    await expect(page).toHaveURL(/\/account$/);
    await expect(page.getByRole("status")).toHaveText("Welcome back, john_doe.");
    await page.reload();
    await expect(page.getByText(SIGNED_IN)).toBeVisible();
    await expect(messages(page)).toHaveCount(0);

    await page.getByRole("button", { name: "Sign out", exact: true }).click();
    await expect(page).toHaveURL(/\/login$/);
    await expect(page.getByRole("status")).toHaveText("You have been signed out.");
    await page.goto("/");
    await expect(messages(page)).toHaveCount(0);
    await page.context().close();
  });
}

test("the wall keeps where it was going: /account/devices comes back after sign-in", async ({ browser, baseURL }) => {
  const page = await newPage(browser, baseURL, true);
  await page.goto("/account/devices");
  await expect(page).toHaveURL(/\/login\?next=%2Faccount%2Fdevices$/);
  await expect(page.getByRole("status")).toHaveText("Please sign in to see your account.");
  await page.getByLabel("Username").fill("john_doe");
  await page.getByLabel("Password").fill("django-sessions");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/account\/devices$/);
  await expect(page.getByRole("status")).toHaveText("Welcome back, john_doe.");
  await page.context().close();
});

test("two concurrent actions keep both their messages", async ({ browser, baseURL, engine }) => {
  test.skip(engine === "cookie", "the cookie engine cannot merge concurrent requests: the last response's cookie wins (README)");
  const page = await newPage(browser, baseURL, true);
  await page.goto("/");
  await page.getByRole("button", { name: "Save build" }).click();
  await expect(page.getByRole("status")).toHaveText("Build saved.");
  // Both start from the same cookie, before either answers.
  const html = await (await page.request.get("/")).text();
  const form = new FormData();
  for (const [name, value] of hiddenFields(html)) form.append(name, value);
  form.append("cpu", "Intel Core i7");
  const [saved, wall] = await Promise.all([
    page.request.post("/", { multipart: form, headers: { Origin: baseURL! }, maxRedirects: 0 }),
    page.request.get("/login/required?next=/account", { maxRedirects: 0 }),
  ]);
  expect([saved.status(), wall.status()]).toEqual([303, 303]);
  await page.goto("/");
  await expect(messages(page)).toHaveCount(2);
  expect((await messages(page).allInnerTexts()).sort()).toEqual(["Build saved.", "Please sign in to see your account."]);
  await page.reload();
  await expect(messages(page)).toHaveCount(0);
  await page.context().close();
});

test("a message is text, and a client cannot slip one in by header", async ({ browser, baseURL }) => {
  const page = await newPage(browser, baseURL, true);
  await page.setExtraHTTPHeaders({ "x-session-messages": "AAAAAAAAAAAAAAAAAAAAAA.W3sibGV2ZWwiOiJlcnJvciIsInRleHQiOiJmb3JnZWQifV0" });
  for (const path of ["/", "/library", "/playground"]) {
    await page.goto(path);
    await expect(messages(page)).toHaveCount(0);
  }
  await page.context().close();
});
