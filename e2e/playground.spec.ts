import type { Page } from "@playwright/test";
import { keyFromCookie } from "../lib/session/testing";
import { COOKIE_NAME, isServerSide, TEST_SECRET } from "./env";
import { expect, sessionCookie, test } from "./fixtures";

const TWO_WEEKS = 1_209_600;
const XSS = "<img src=x onerror=alert(1)>";

interface Inputs {
  key?: string;
  value?: string;
  expiry?: string;
}

/** The playground as a test drives it: fill the inputs, press a button, wait for the server's answer. */
function playground(page: Page) {
  const status = page.getByRole("status");
  const items = page.getByRole("table");
  const facts = page.locator("dl.facts");
  return {
    status,
    items,
    facts,
    async open() {
      await page.goto("/playground");
      await expect(page.getByRole("heading", { name: "Session playground" })).toBeVisible();
    },
    async press(button: string, inputs: Inputs = {}) {
      if (inputs.key !== undefined) await page.getByLabel("Key", { exact: true }).fill(inputs.key);
      if (inputs.value !== undefined) await page.getByLabel("Value", { exact: true }).fill(inputs.value);
      if (inputs.expiry !== undefined) await page.getByLabel("Expiry (seconds)", { exact: true }).fill(inputs.expiry);
      const answered = page.waitForResponse((r) => r.request().method() === "POST" && new URL(r.url()).pathname === "/playground");
      await page.getByRole("button", { name: button, exact: true }).click();
      await answered;
    },
    async set(key: string, value: string) {
      await this.press("Set", { key, value });
      await expect(status).toContainText(`Set "${key}" to`);
    },
    /** The items table's row for a key. */
    row(key: string) {
      return items.getByRole("row").filter({ has: page.getByRole("cell", { name: key, exact: true }) });
    },
    async expectRow(key: string, value: string, type: string) {
      await expect(this.row(key).getByRole("cell")).toHaveText([key, value, type]);
    },
    keyPrefix() {
      return facts.locator("dd").first().locator("code");
    },
  };
}

test.describe("playground controls", () => {
  test("Set stores JSON when the value parses, else the string, and says which", async ({ page }) => {
    const pg = playground(page);
    await pg.open();
    await expect(pg.items).toContainText("No items");
    await pg.set("name", "alice");
    await expect(pg.status).toContainText("Kept as a string: not valid JSON.");
    await pg.expectRow("name", "alice", "string");
    await pg.set("n", "42");
    await expect(pg.status).toContainText("Parsed as JSON: a number.");
    await pg.expectRow("n", "42", "number");
    await pg.set("cart", '{"items": [1, 2], "paid": false}');
    await pg.expectRow("cart", '{"items":[1,2],"paid":false}', "object");
    await pg.set("quoted", '"42"');
    await expect(pg.status).toContainText("Parsed as JSON: a string.");
    await pg.expectRow("quoted", "42", "string");
    await pg.set("name", "bob");
    await pg.expectRow("name", "bob", "string");
    await page.reload();
    await pg.expectRow("cart", '{"items":[1,2],"paid":false}', "object");
  });

  test('Get shows the value, or the default "Guest"', async ({ page }) => {
    const pg = playground(page);
    await pg.open();
    await pg.press("Get", { key: "name" });
    await expect(pg.status).toContainText('Get "name": not set, so the default: Guest');
    await expect(pg.status.getByText("Guest", { exact: true })).toBeVisible();
    await pg.set("name", "alice");
    await pg.press("Get", { key: "name" });
    await expect(pg.status).toContainText('Get "name": alice (string)');
    await expect(pg.status).not.toContainText("Guest");
  });

  test("Has says whether the key is in the session", async ({ page }) => {
    const pg = playground(page);
    await pg.open();
    await pg.press("Has", { key: "name" });
    await expect(pg.status).toContainText('Has "name": false');
    await pg.set("name", "alice");
    await pg.press("Has", { key: "name" });
    await expect(pg.status).toContainText('Has "name": true');
  });

  test("Pop returns the value and removes it; a missing key is refused", async ({ page }) => {
    const pg = playground(page);
    await pg.open();
    await pg.set("name", "alice");
    await pg.set("n", "1");
    await pg.press("Pop", { key: "name" });
    await expect(pg.status).toContainText('Popped "name": alice');
    await expect(pg.row("name")).toHaveCount(0);
    await pg.expectRow("n", "1", "number");
    const before = await pg.items.innerText();
    await pg.press("Pop", { key: "name" });
    await expect(pg.status).toContainText('Pop refused: No key "name" to pop');
    await expect(pg.status).toContainText("Nothing was changed.");
    expect(await pg.items.innerText()).toBe(before);
  });

  test("Set default stores the value only when the key is missing", async ({ page }) => {
    const pg = playground(page);
    await pg.open();
    await pg.press("Set default", { key: "theme", value: "dark" });
    await expect(pg.status).toContainText('Set default "theme": stored dark');
    await pg.expectRow("theme", "dark", "string");
    await pg.press("Set default", { key: "theme", value: "light" });
    await expect(pg.status).toContainText('Set default "theme": already set, kept dark');
    await pg.expectRow("theme", "dark", "string");
  });

  test("Increment adds 1 to a number, counting from 0 when unset", async ({ page }) => {
    const pg = playground(page);
    await pg.open();
    await pg.press("Increment", { key: "visits", value: "" });
    await expect(pg.status).toContainText('Incremented "visits" to 1 (number).');
    await pg.set("visits", "41");
    await pg.press("Increment", { key: "visits", value: "" });
    await expect(pg.status).toContainText('Incremented "visits" to 42 (number).');
    await expect(pg.status).toContainText("Was 41, plus 1.");
    await pg.expectRow("visits", "42", "number");
  });

  test("Increment takes its step from Value: a whole number, else a clear refusal", async ({ page }) => {
    const pg = playground(page);
    await pg.open();
    await pg.press("Increment", { key: "score", value: "10" });
    await expect(pg.status).toContainText('Incremented "score" to 10 (number).');
    await pg.press("Increment", { key: "score", value: "-3" });
    await expect(pg.status).toContainText('Incremented "score" to 7 (number).');
    await pg.press("Increment", { key: "score", value: "2.5" });
    await expect(pg.status).toContainText('Increment refused: Increment adds the whole number in Value (or 1 when Value is empty); "2.5" is not one.');
    await pg.expectRow("score", "7", "number");
  });

  test("Enter in the Key field does not store an empty string", async ({ page }) => {
    const pg = playground(page);
    await pg.open();
    await page.getByLabel("Key", { exact: true }).fill("draft");
    const answered = page.waitForResponse((r) => r.request().method() === "POST" && new URL(r.url()).pathname === "/playground");
    await page.getByLabel("Key", { exact: true }).press("Enter");
    await answered;
    await expect(pg.status).toContainText('Set refused: Enter a value (for an empty string, type "").');
    await expect(pg.items).toContainText("No items");
    await pg.press("Set", { key: "draft", value: '""' });
    await pg.expectRow("draft", "empty string", "string");
  });

  test("every answer ends with a full stop, and Clear and Flush look destructive", async ({ page }) => {
    const pg = playground(page);
    await pg.open();
    for (const [button, inputs] of [
      ["Set", { key: "a", value: "1" }],
      ["Get", { key: "a" }],
      ["Has", { key: "zz" }],
      ["Set expiry", { expiry: "abc" }],
      ["Set", { key: "_x", value: "1" }],
      ["Clear", {}],
    ] as const) {
      await pg.press(button, inputs);
      for (const line of await pg.status.locator("p").allInnerTexts()) expect(line.trim(), `after ${button}`).toMatch(/[.!?…]$/);
    }
    for (const name of ["Clear", "Flush"]) {
      const colour = await page.getByRole("button", { name, exact: true }).evaluate((b) => getComputedStyle(b).backgroundColor);
      const normal = await page.getByRole("button", { name: "Set", exact: true }).evaluate((b) => getComputedStyle(b).backgroundColor);
      expect(colour, `${name} differs from an ordinary button`).not.toBe(normal);
    }
  });

  test("Clear removes every item", async ({ page }) => {
    const pg = playground(page);
    await pg.open();
    await pg.set("a", "1");
    await pg.set("b", "two");
    await pg.press("Clear");
    await expect(pg.status).toContainText("Cleared");
    await expect(pg.items).toContainText("No items");
    await page.reload();
    await expect(pg.items).toContainText("No items");
  });

  test("Flush deletes the data and the cookie; the next write starts a new session", async ({ page, context }) => {
    const pg = playground(page);
    await pg.open();
    await pg.set("name", "alice");
    const before = (await sessionCookie(context))!.value;
    await pg.press("Flush");
    await expect(pg.status).toContainText("Flushed");
    await expect(pg.items).toContainText("No items");
    expect((await sessionCookie(context))?.value).not.toBe(before);
    await pg.set("after", "flush");
    await pg.expectRow("after", "flush", "string");
    await expect(pg.row("name")).toHaveCount(0);
  });

  test("Cycle key keeps the data under a new key and kills the old one", async ({ page, context, browser, baseURL, engine }) => {
    const pg = playground(page);
    await pg.open();
    await pg.set("name", "alice");
    const oldPrefix = await pg.keyPrefix().innerText();
    const oldCookie = (await sessionCookie(context))!.value;
    await pg.press("Cycle key");
    await expect(pg.status).toContainText("Cycled the key");
    await expect(pg.keyPrefix()).not.toHaveText(oldPrefix);
    await pg.expectRow("name", "alice", "string");
    expect((await sessionCookie(context))!.value).not.toBe(oldCookie);

    if (!isServerSide(engine)) return; // the cookie engine cannot revoke a copied cookie (documented)
    const replay = await browser.newContext();
    await replay.addCookies([{ name: COOKIE_NAME, value: oldCookie, url: baseURL! }]);
    const replayPage = await replay.newPage();
    await replayPage.goto("/playground");
    await expect(replayPage.getByRole("table")).toContainText("No items", { useInnerText: true });
    await replay.close();
  });

  test("Set expiry: seconds, 0 for browser close (no Max-Age/Expires), empty for the default", async ({ page, context }) => {
    const pg = playground(page);
    await pg.open();
    await pg.set("name", "alice");
    const cookieExpires = async () => (await sessionCookie(context))!.expires;

    await pg.press("Set expiry", { expiry: "3600" });
    await expect(pg.status).toContainText("Expiry set to 3600 seconds.");
    await expect(pg.facts).toContainText("3600 seconds");
    expect(Math.abs((await cookieExpires()) - (Date.now() / 1000 + 3600))).toBeLessThan(120);

    await pg.press("Set expiry", { expiry: "0" });
    await expect(pg.status).toContainText("the session ends when the browser closes");
    await expect(pg.facts.locator("dt:has-text('Expires at browser close') + dd")).toHaveText("yes");
    expect(await cookieExpires()).toBe(-1);

    await pg.press("Set expiry", { expiry: "" });
    await expect(pg.status).toContainText(`Expiry back to the default: ${TWO_WEEKS} seconds.`);
    await expect(pg.facts.locator("dt:has-text('Expires at browser close') + dd")).toHaveText("no");
    expect(Math.abs((await cookieExpires()) - (Date.now() / 1000 + TWO_WEEKS))).toBeLessThan(120);
  });
});

test.describe("bad input gets a message and changes nothing", () => {
  const cases: { name: string; button: string; inputs: Inputs; message: string }[] = [
    { name: "an empty key", button: "Set", inputs: { key: "", value: "x" }, message: "Enter a key: it cannot be empty." },
    { name: "a key over 256 characters", button: "Set", inputs: { key: "k".repeat(257), value: "x" }, message: "too long (257 characters; at most 256)" },
    { name: "a key with a double quote", button: "Set", inputs: { key: 'a"b', value: "x" }, message: "may not contain a double quote" },
    { name: "a value over SESSION_MAX_BYTES", button: "Set", inputs: { key: "big", value: "x".repeat(70_000) }, message: "too large" },
    { name: "a value over the 1 MB server action body limit", button: "Set", inputs: { key: "huge", value: "x".repeat(1_200_000) }, message: "too large" },
    { name: "a negative expiry", button: "Set expiry", inputs: { expiry: "-5" }, message: "Expiry must be a whole number of seconds, 0 or more" },
    { name: "a non-numeric expiry", button: "Set expiry", inputs: { expiry: "soon" }, message: "Expiry must be a whole number of seconds, 0 or more" },
    { name: "incrementing a non-number", button: "Increment", inputs: { key: "name" }, message: '"name" holds a string, not a number' },
  ];

  for (const { name, button, inputs, message } of cases) {
    test(name, async ({ page }) => {
      const pg = playground(page);
      await pg.open();
      await pg.set("name", "alice");
      const [items, facts] = [await pg.items.innerText(), await pg.facts.innerText()];
      await pg.press(button, inputs);
      await expect(pg.status).toContainText(message);
      await expect(pg.status).toContainText("Nothing was changed.");
      expect(await pg.items.innerText()).toBe(items);
      await page.reload();
      expect(await pg.items.innerText()).toBe(items);
      expect((await pg.facts.innerText()).replace(/Expires\n.*\n/, "")).toBe(facts.replace(/Expires\n.*\n/, ""));
    });
  }
});

test("a value with markup shows as text and runs nothing", async ({ page }) => {
  const dialogs: string[] = [];
  page.on("dialog", (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  const pg = playground(page);
  await pg.open();
  await pg.set("bio", XSS);
  await pg.expectRow("bio", XSS, "string");
  await pg.press("Get", { key: "bio" });
  await expect(pg.status.getByText(XSS, { exact: true })).toBeVisible();
  await page.reload();
  await pg.expectRow("bio", XSS, "string");
  await expect(page.locator("main img")).toHaveCount(0);
  expect(dialogs).toEqual([]);
});

test("without JavaScript every form still works as a plain form post", async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  const pg = playground(page);
  await pg.open();
  await pg.set("name", "alice");
  await pg.expectRow("name", "alice", "string");
  await pg.press("Get", { key: "name" });
  await expect(pg.status).toContainText('Get "name": alice');
  await pg.press("Get", { key: "nobody" });
  await expect(pg.status).toContainText("Guest");
  await pg.press("Set expiry", { expiry: "0" });
  expect((await sessionCookie(context))!.expires).toBe(-1);
  await pg.press("Clear");
  await expect(pg.items).toContainText("No items");
  await context.close();
});

test("with JavaScript the pressed button shows a pending state while the action runs", async ({ page }) => {
  const pg = playground(page);
  await pg.open();
  let release = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route("**/playground", async (route) => {
    if (route.request().method() === "POST") await held;
    await route.continue();
  });
  await page.getByLabel("Key", { exact: true }).fill("name");
  await page.getByLabel("Value", { exact: true }).fill("alice");
  const set = page.getByRole("button", { name: "Set", exact: true });
  await set.click();
  await expect(set).toHaveAttribute("aria-busy", "true");
  await expect(set).toBeDisabled();
  await expect(page.getByRole("button", { name: "Get", exact: true })).toBeDisabled();
  // Typing goes on while the action runs; the form's reset after the action keeps it.
  await page.getByLabel("Key", { exact: true }).fill("typed-meanwhile");
  release();
  await expect(pg.status).toContainText('Set "name" to alice');
  await expect(set).toBeEnabled();
  await expect(set).toHaveAttribute("aria-busy", "false");
  await expect(page.getByLabel("Key", { exact: true })).toHaveValue("typed-meanwhile");
  await expect(page.getByLabel("Value", { exact: true })).toHaveValue("alice");
});

test.describe("the live view", () => {
  test("shows only the first 6 characters of the session key", async ({ page, context, engine }) => {
    const pg = playground(page);
    await pg.open();
    await pg.set("name", "alice");
    const prefix = await pg.keyPrefix().innerText();
    expect(prefix).toMatch(/^[A-Za-z0-9_-]{6}$/);
    const html = await page.content();
    // Nowhere in the page does a longer run of the key's alphabet follow the prefix.
    expect(html).not.toMatch(new RegExp(`${prefix}[A-Za-z0-9_-]{7,}`));
    if (!isServerSide(engine)) return; // the cookie engine's cookie seals the data, not a bare key
    const key = await keyFromCookie((await sessionCookie(context))!.value, [TEST_SECRET]);
    expect(key).toHaveLength(43);
    expect(prefix).toBe(key!.slice(0, 6));
    expect(html).not.toContain(key!);
  });

  test("shows the payload size against SESSION_MAX_BYTES, and grows with the data", async ({ page }) => {
    const pg = playground(page);
    await pg.open();
    await expect(pg.facts).toContainText("of 65536 bytes (SESSION_MAX_BYTES)");
    const size = async () => Number((await pg.facts.innerText()).match(/(\d+) of 65536 bytes/)![1]);
    await pg.set("name", "alice");
    await expect(pg.facts).toContainText("of 65536 bytes");
    const small = await size();
    await pg.set("note", "y".repeat(500));
    await expect.poll(size).toBeGreaterThan(small + 499);
  });

  test("shows the accessed and modified flags of the last action's session", async ({ page }) => {
    const pg = playground(page);
    await pg.open();
    await pg.set("name", "alice");
    await expect(pg.status).toContainText("accessed yes, modified yes");
    await pg.press("Get", { key: "name" });
    await expect(pg.status).toContainText('Get "name": alice');
    await expect(pg.status).toContainText("accessed yes, modified no");
  });

  test("shows the expiry date and age, and whether it ends at browser close", async ({ page }) => {
    const pg = playground(page);
    await pg.open();
    await expect(pg.facts).toContainText(`${TWO_WEEKS} seconds (about 14 days)`);
    const iso = await pg.facts.locator("time").getAttribute("datetime");
    expect(Math.abs(Date.parse(iso!) - (Date.now() + TWO_WEEKS * 1000))).toBeLessThan(120_000);
    await expect(pg.facts.locator("dt:has-text('Expires at browser close') + dd")).toHaveText("no");
  });
});
