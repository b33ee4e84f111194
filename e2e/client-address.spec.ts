// The client address on real `next start` servers (issue 21, item 5): without SESSION_TRUSTED_PROXIES a
// forged X-Forwarded-For (or a forged copy of the header that carries the socket's address) changes
// neither the per-client sign-in limit nor the network the device list shows; with it, the entry the
// trusted proxy appended is the client's.
import type { Browser } from "@playwright/test";
import { SOCKET_ADDRESS_HEADER } from "../lib/forwarded-for";
import { DEMO_USER, expect, signIn, test } from "./fixtures";
import { startServer, type TestServer } from "./server";

test.skip(({ engine }) => engine !== "db", "starts its own servers: runs once, in the db project");
test.setTimeout(120_000);

/** A browser whose every request carries these headers, as a script or a proxy would send them. */
async function browserSaying(browser: Browser, server: TestServer, headers: Record<string, string>) {
  const context = await browser.newContext({ baseURL: server.baseURL, extraHTTPHeaders: headers });
  return { context, page: await context.newPage() };
}

test("no trusted proxy: a new X-Forwarded-For per attempt gets no fresh sign-in guesses, and the device list shows the connection's network", async ({ browser }) => {
  const server = await startServer();
  try {
    // Failures in quick succession, each under another forged address and another username (only the client's
    // count can fill): past 5 the connection must wait (1 s, 2 s, 4 s…), whatever address it claims.
    const { context: attacker, page: form } = await browserSaying(browser, server, {});
    await form.goto("/login");
    const answers: string[] = [];
    for (let i = 0; i < 10 && !answers.some((a) => a.startsWith("Too many")); i++) {
      await attacker.setExtraHTTPHeaders({ "x-forwarded-for": `203.0.113.${10 + i}`, [SOCKET_ADDRESS_HEADER]: `198.51.100.${10 + i}` });
      await form.getByLabel("Username").fill(`nobody-${i}`);
      await form.getByLabel("Password").fill("wrong");
      await form.getByRole("button", { name: "Sign in" }).click();
      const answer = form.getByText(/Invalid username or password|Too many failed sign-in attempts/);
      await expect(answer).toBeVisible();
      answers.push((await answer.textContent()) ?? "");
      await expect(form.getByRole("button", { name: "Sign in" })).toBeEnabled();
    }
    expect(answers.slice(0, 5).every((a) => a === "Invalid username or password"), answers.join(" | ")).toBe(true);
    expect(answers.some((a) => a.startsWith("Too many failed sign-in attempts")), answers.join(" | ")).toBe(true);
    await attacker.close();
    // The throttle held this connection back; wait it out, then sign in with a forged address: the list shows the real network.
    await new Promise((resolve) => setTimeout(resolve, 9_000));
    const { context, page } = await browserSaying(browser, server, { "x-forwarded-for": "203.0.113.77", [SOCKET_ADDRESS_HEADER]: "198.51.100.5" });
    await signIn(page);
    await expect(page.getByText(`Signed in as ${DEMO_USER.username}`)).toBeVisible();
    await page.goto("/account/devices");
    const row = page.locator("table.devices tbody tr").first();
    await expect(row).toContainText(/(127\.0\.0\.0\/24|::\/48)/);
    await expect(row).not.toContainText(/203\.0\.113|198\.51\.100/);
    await context.close();
  } finally {
    await server.stop();
  }
});

test("SESSION_TRUSTED_PROXIES=1: the entry the proxy appended is the client's, never an earlier one the client wrote", async ({ browser }) => {
  const server = await startServer({ env: { SESSION_TRUSTED_PROXIES: "1" } });
  try {
    const { context, page } = await browserSaying(browser, server, { "x-forwarded-for": "6.6.6.6, 203.0.113.77" });
    await signIn(page);
    await expect(page.getByText(`Signed in as ${DEMO_USER.username}`)).toBeVisible();
    await page.goto("/account/devices");
    const row = page.locator("table.devices tbody tr").first();
    await expect(row).toContainText("203.0.113.0/24");
    await expect(row).not.toContainText("6.6.6");
    await context.close();
  } finally {
    await server.stop();
  }
});

test("a device cookie: failures from many addresses lock john_doe out of a new browser, never out of one he signed in with", async ({ browser }) => {
  const server = await startServer({ env: { SESSION_TRUSTED_PROXIES: "1" } });
  try {
    const { context: owner, page: ownerPage } = await browserSaying(browser, server, { "x-forwarded-for": "198.51.100.50" });
    await signIn(ownerPage);
    await expect(ownerPage.getByText(`Signed in as ${DEMO_USER.username}`)).toBeVisible();
    await ownerPage.getByRole("button", { name: "Sign out" }).first().click();
    await expect(ownerPage.getByText("You have been signed out.")).toBeVisible();
    // Wrong passwords for john_doe, each from another address (the account's limit, 10, is what fills), waiting out each delay.
    const { context: attacker, page: form } = await browserSaying(browser, server, {});
    let failures = 0;
    for (let i = 0; failures < 13 && i < 40; i++) {
      await attacker.setExtraHTTPHeaders({ "x-forwarded-for": `203.0.113.${10 + i}` });
      await form.goto("/login"); // a fresh form each time: no answer of the attempt before on it
      await form.getByLabel("Username").fill(DEMO_USER.username);
      await form.getByLabel("Password").fill(`wrong ${i}`);
      await form.getByRole("button", { name: "Sign in" }).click();
      const answer = form.getByText(/Invalid username or password|Too many failed sign-in attempts/);
      await expect(answer).toBeVisible();
      const text = (await answer.textContent()) ?? "";
      if (text.startsWith("Too many")) await new Promise((resolve) => setTimeout(resolve, 1000 * Number(/(\d+) second/.exec(text)?.[1] ?? 1)));
      else failures++;
    }
    expect(failures).toBe(13); // the account now waits 8 s (2^(13 - 10)) after the last failure
    // At once, from yet another address, the right password in a browser that never signed in: it must wait.
    await attacker.setExtraHTTPHeaders({ "x-forwarded-for": "198.51.100.60" });
    await form.goto("/login");
    await form.getByLabel("Username").fill(DEMO_USER.username);
    await form.getByLabel("Password").fill(DEMO_USER.password);
    await form.getByRole("button", { name: "Sign in" }).click();
    await expect(form.getByText(/Too many failed sign-in attempts/), "a browser that never signed in waits out the account's limit").toBeVisible();
    await attacker.close();
    await signIn(ownerPage);
    await expect(ownerPage.getByText(`Signed in as ${DEMO_USER.username}`), "the owner's browser signs in at once").toBeVisible();
    await owner.close();
  } finally {
    await server.stop();
  }
});
