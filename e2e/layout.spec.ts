// A screenshot pass over every page at a desktop and a phone width: no page scrolls sideways, the
// navigation stays one row, every page has its own title; and without JavaScript every page shows
// the same text as with it. Screenshots land in test-results/ for a person to look at.
import type { Browser, Page } from "@playwright/test";
import { expect, signIn, test } from "./fixtures";

const VIEWPORTS = [
  { width: 1280, height: 800 },
  { width: 390, height: 844 },
];

/** Every page, in an order that gives each its data (getsession after setsession); the account pages signed in. */
const PAGES: [path: string, title: string][] = [
  ["/", "Django-grade sessions for Next.js"],
  ["/library", "Local Library · Django-grade sessions"],
  ["/setsession", "Set session · Django-grade sessions"],
  ["/getsession", "Get session · Django-grade sessions"],
  ["/greeting", "Greeting · Django-grade sessions"],
  ["/playground", "Playground · Django-grade sessions"],
  ["/login", "Sign in · Django-grade sessions"],
  ["/account", "Account · Django-grade sessions"],
  ["/account/password", "Change password · Django-grade sessions"],
  ["/account/devices", "Your devices · Django-grade sessions"],
];

/** One icon link, in the head (React hoists the layout's), holding the SVG itself. */
async function expectOneIcon(page: Page, path: string): Promise<void> {
  const icon = page.locator('head link[rel="icon"]');
  await expect(icon, `${path}: one icon, in the head`).toHaveCount(1);
  const href = (await icon.getAttribute("href"))!;
  expect(href.startsWith("data:image/svg+xml,"), `${path}: the icon is an SVG data URL`).toBe(true);
  expect(decodeURIComponent(href.slice(href.indexOf(",") + 1)), `${path}: the icon's SVG`).toMatch(/^<svg [^>]*viewBox=["']0 0 32 32["'].*<\/svg>$/);
}

async function signedIn(page: Page): Promise<void> {
  await signIn(page);
  await expect(page).toHaveURL(/\/account$/);
}

/** Visits every page in a fresh browser and hands each to `check`. */
async function tour(browser: Browser, baseURL: string | undefined, options: { javaScriptEnabled: boolean; width: number; height: number }, check: (page: Page, path: string, title: string) => Promise<void>) {
  const context = await browser.newContext({ baseURL, javaScriptEnabled: options.javaScriptEnabled, viewport: { width: options.width, height: options.height } });
  const page = await context.newPage();
  for (const [path, title] of PAGES) {
    if (path === "/account") await signedIn(page);
    await page.goto(path);
    await check(page, path, title);
  }
  await context.close();
}

for (const viewport of VIEWPORTS) {
  test(`every page fits ${viewport.width} px without sideways scrolling, with its own title`, async ({ browser, baseURL, engine }, testInfo) => {
    await tour(browser, baseURL, { javaScriptEnabled: true, ...viewport }, async (page, path, title) => {
      await expect(page).toHaveTitle(title);
      const overflow = await page.evaluate(() => {
        const root = document.documentElement;
        const wide = [...document.querySelectorAll("main *")]
          .filter((el) => el.getBoundingClientRect().right > root.clientWidth + 1)
          .map((el) => `${el.tagName.toLowerCase()}.${el.className}`);
        return { scrollWidth: root.scrollWidth, clientWidth: root.clientWidth, wide: wide.slice(0, 5) };
      });
      expect(overflow.scrollWidth, `${path} scrolls sideways at ${viewport.width} px (${overflow.wide.join(", ")})`).toBeLessThanOrEqual(overflow.clientWidth);
      expect(overflow.wide, `${path}: elements past the right edge`).toEqual([]);
      const nav = await page.getByRole("navigation").boundingBox();
      expect(nav!.height, `${path}: the navigation is one row`).toBeLessThan(48);
      await expect(page.locator('nav a[aria-current="page"]'), `${path}: one link marked current`).toHaveCount(1);
      await expectOneIcon(page, path);
      await page.screenshot({ path: testInfo.outputPath(`${engine}-${viewport.width}${path === "/" ? "/home" : path}.png`), fullPage: true });
    });
  });
}

test("navigation names the current page and shows Sign in, or the signed-in user", async ({ page }) => {
  await page.goto("/library");
  const nav = page.getByRole("navigation");
  await expect(nav.getByRole("link", { name: "Library" })).toHaveAttribute("aria-current", "page");
  await expect(nav.getByRole("link", { name: "PC builder" })).not.toHaveAttribute("aria-current", /.*/);
  await expect(nav.getByRole("link", { name: "Sign in" })).toBeVisible();
  await expect(nav.getByRole("link", { name: /Login|Account/ })).toHaveCount(0);
  await signedIn(page);
  await expect(nav.getByRole("link", { name: "Account: john_doe" })).toHaveAttribute("aria-current", "page");
  await expect(nav.getByRole("link", { name: "Sign in" })).toHaveCount(0);
});

test("without JavaScript every page shows the same text as with it", async ({ browser, baseURL }) => {
  const texts = { on: new Map<string, string>(), off: new Map<string, string>() };
  // Random or timed parts differ between any two visits: the key's first characters, dates and counts.
  // So is the loopback family a browser reaches localhost by (::1, or 127.0.0.1 when IPv6 answers slowly): the device list's network.
  const comparable = (text: string) =>
    text.replace(/[A-Za-z0-9_-]{6}… \(the first/g, "KEY… (the first").replace(/127\.0\.0\.0\/24|::\/48/g, "LOOPBACK").replace(/\d+/g, "0");
  for (const javaScriptEnabled of [true, false]) {
    await tour(browser, baseURL, { javaScriptEnabled, ...VIEWPORTS[0] }, async (page, path) => {
      // The device list also holds whatever other tests signed in as john_doe: there, compare all but
      // the other devices' rows (read, not removed: React would put them back as it hydrates).
      const shown =
        path === "/account/devices"
          ? (await page.locator("header, main h1, main > p, table.devices thead, table.devices tr.current, .actions > :last-child").allInnerTexts()).join("\n")
          : await page.locator("body").innerText();
      texts[javaScriptEnabled ? "on" : "off"].set(path, comparable(shown));
      if (!javaScriptEnabled) await expectOneIcon(page, path); // in the server's HTML itself
    });
  }
  for (const [path] of PAGES) expect(texts.off.get(path), path).toBe(texts.on.get(path));
});

test("a page not found has the icon too, in the server's HTML", async ({ browser, baseURL }) => {
  const context = await browser.newContext({ baseURL, javaScriptEnabled: false });
  const page = await context.newPage();
  expect((await page.goto("/no-such-page"))!.status()).toBe(404);
  await expectOneIcon(page, "/no-such-page");
  await context.close();
});
