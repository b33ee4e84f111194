import { COOKIE_NAME } from "./env";
import { expect, sessionCookie, sessionRow, test } from "./fixtures";

test.describe("library visit counter", () => {
  test("counts 1, 2, 3, and a new browser starts at 1", async ({ page, browser }) => {
    for (const n of [1, 2, 3]) {
      await page.goto("/library");
      await expect(page.getByText(`You have visited this page ${n} time${n === 1 ? "" : "s"}.`)).toBeVisible();
    }
    const other = await browser.newContext();
    const otherPage = await other.newPage();
    await otherPage.goto("/library");
    await expect(otherPage.getByText("You have visited this page 1 time.")).toBeVisible();
    await other.close();
  });

  test("shows the catalogue's record counts", async ({ page }) => {
    await page.goto("/library");
    await expect(page.getByRole("listitem").filter({ hasText: "Books:" })).toHaveText("Books: 7");
    await expect(page.getByRole("listitem").filter({ hasText: "Copies:" }).first()).toHaveText("Copies: 14");
    await expect(page.getByRole("listitem").filter({ hasText: "Copies available:" })).toHaveText("Copies available: 7");
    await expect(page.getByRole("listitem").filter({ hasText: "Authors:" })).toHaveText("Authors: 5");
  });

  test("hovering and prefetching the nav link counts no visit", async ({ page }) => {
    await page.goto("/library");
    await expect(page.getByText("You have visited this page 1 time.")).toBeVisible();
    const libraryRequests: string[] = [];
    page.on("request", (r) => new URL(r.url()).pathname === "/library" && libraryRequests.push(r.url()));
    await page.goto("/");
    const link = page.getByRole("navigation").getByRole("link", { name: "Library" });
    for (let i = 0; i < 3; i++) {
      await link.hover();
      await page.mouse.move(0, 0);
    }
    await page.waitForTimeout(500); // room for a prefetch, were there one
    expect(libraryRequests, "session pages are not prefetched").toEqual([]);
    await link.click();
    await expect(page.getByText("You have visited this page 2 times.")).toBeVisible();
  });

  test("a browser's speculative prefetch (Sec-Purpose: prefetch) counts no visit", async ({ page }) => {
    await page.goto("/library");
    const prefetch = await page.request.get("/library", { headers: { "Sec-Purpose": "prefetch" } });
    expect(prefetch.status()).toBe(200);
    await page.goto("/library");
    await expect(page.getByText("You have visited this page 2 times.")).toBeVisible();
  });

  test("client-side navigation counts once per visit", async ({ page }) => {
    await page.goto("/library");
    const nav = page.getByRole("navigation");
    await nav.getByRole("link", { name: "Greeting" }).click();
    // Within main: after a client-side navigation Next's route announcer repeats the page's title.
    await expect(page.getByRole("main").getByText("Session Value: Hello, Django Sessions!")).toBeVisible();
    await nav.getByRole("link", { name: "Library" }).click();
    await expect(page.getByText("You have visited this page 2 times.")).toBeVisible();
  });
});

test.describe("PC builder", () => {
  test("shows unset parts, then saves the chosen build", async ({ page }) => {
    await page.goto("/");
    await expect(page.getByText("CPU: CPU not selected")).toBeVisible();
    await expect(page.getByText("GPU: GPU not selected")).toBeVisible();
    await expect(page.getByText("RAM: RAM not selected")).toBeVisible();
    await page.getByLabel("CPU").selectOption("AMD Ryzen 7");
    await page.getByLabel("GPU").selectOption("NVIDIA RTX 4070");
    await page.getByLabel("RAM").selectOption("32 GB");
    await page.getByRole("button", { name: "Save build" }).click();
    await expect(page.getByText("CPU: AMD Ryzen 7")).toBeVisible();
    await expect(page.getByText("GPU: NVIDIA RTX 4070")).toBeVisible();
    await expect(page.getByText("RAM: 32 GB")).toBeVisible();
    await page.reload();
    await expect(page.getByText("CPU: AMD Ryzen 7")).toBeVisible();
  });
});

test.describe("set and get session", () => {
  test("getsession before setsession is a 404 with a message, then shows the data", async ({ page }) => {
    const before = await page.goto("/getsession");
    expect(before?.status()).toBe(404);
    await expect(page.getByText("No session data yet")).toBeVisible();
    await page.goto("/setsession");
    await expect(page.getByText("session is set")).toBeVisible();
    const after = await page.goto("/getsession");
    expect(after?.status()).toBe(200);
    await expect(page.getByText("abc abc@gmail.com")).toBeVisible();
  });

  test("a client cannot name a page's missing data by header where the proxy did not run", async ({ page }) => {
    await page.goto("/"); // session_checked: the proxy now skips this browser's pages
    await page.setExtraHTTPHeaders({ "x-session-missing-data": "/getsession" });
    const forged = await page.goto("/no-such-page");
    expect(forged?.status()).toBe(404);
    await expect(page.getByText("Page not found")).toBeVisible();
    await expect(page.getByText("No session data yet")).toHaveCount(0);
    // The real rewrite still names the page.
    const real = await page.goto("/getsession");
    expect(real?.status()).toBe(404);
    await expect(page.getByText("No session data yet")).toBeVisible();
  });

  test("greeting stores and shows its value", async ({ page }) => {
    await page.goto("/greeting");
    await expect(page.getByText("Session Value: Hello, Django Sessions!")).toBeVisible();
  });
});

test.describe("the session cookie", () => {
  test("is HttpOnly, SameSite=Lax, Path=/, and lasts two weeks", async ({ page, context }) => {
    await page.goto("/library");
    const cookie = await sessionCookie(context);
    expect(cookie).toBeDefined();
    expect(cookie!.httpOnly).toBe(true);
    expect(cookie!.sameSite).toBe("Lax");
    expect(cookie!.path).toBe("/");
    expect(cookie!.secure).toBe(false);
    const twoWeeks = Date.now() / 1000 + 1_209_600;
    expect(Math.abs(cookie!.expires - twoWeeks)).toBeLessThan(120);
    // The names of the cookies page scripts can read (a substring test would trip over a short name).
    const readable = await page.evaluate(() => document.cookie.split("; ").map((c) => c.split("=")[0]));
    expect(readable).not.toContain(COOKIE_NAME);
  });

  test("carries a seal, not a key the database knows", async ({ page, context }) => {
    await page.goto("/library");
    const cookie = await sessionCookie(context);
    expect(cookie!.value).toMatch(/^Fe26\.2\*/);
  });

  test("a tampered cookie gives a fresh session, not an error", async ({ page, context, baseURL }) => {
    await page.goto("/library");
    await page.goto("/library");
    await expect(page.getByText("You have visited this page 2 times.")).toBeVisible();
    const cookie = (await sessionCookie(context))!;
    const tampered = cookie.value.slice(0, 30) + (cookie.value[30] === "A" ? "B" : "A") + cookie.value.slice(31);
    await context.addCookies([{ name: COOKIE_NAME, value: tampered, url: baseURL! }]);
    const response = await page.goto("/library");
    expect(response?.status()).toBe(200);
    await expect(page.getByText("You have visited this page 1 time.")).toBeVisible();
    expect((await sessionCookie(context))!.value).not.toBe(tampered);
  });

  test("a visitor whose session never holds data gets a key but leaves no row", async ({ page, context, engine }) => {
    test.skip(engine !== "db", "only the db engine has rows");
    await page.goto("/");
    await page.goto("/getsession");
    const cookie = (await sessionCookie(context))!;
    expect(await sessionRow(engine, cookie.value)).toBeUndefined();
    await page.goto("/greeting");
    expect((await sessionRow(engine, cookie.value))?.data).toContain("Hello, Django Sessions!");
  });
});

test("every page links to the others from the navigation bar", async ({ page }) => {
  for (const path of ["/", "/library", "/setsession", "/greeting"]) {
    await page.goto(path);
    const nav = page.getByRole("navigation");
    for (const name of ["PC builder", "Library", "Set session", "Get session", "Greeting"]) {
      await expect(nav.getByRole("link", { name })).toBeVisible();
    }
  }
});
