// Operator policies a client tries to override, on every engine, against servers this spec
// starts itself: SESSION_ABSOLUTE_AGE through "Cycle key", SESSION_COOKIE_AGE through "Set
// expiry", SESSION_MAX_BYTES at sign-in and "Save build"; and every server action called with
// arguments that are not its form's (a 4xx, and nothing in the log).
import { mkdtempSync, readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import type { Browser, Page } from "@playwright/test";
import { startRedis, type RedisProcess } from "../test/redis-servers";
import { ENGINE_NAMES, engineNamed } from "../lib/engines";
import { COOKIE_NAME, DATA_DIR, engineEnv, REDIS_URL } from "./env";
import { expect, signIn, test } from "./fixtures";
import { rawRequest, startServer, type TestServer } from "./server";

test.describe.configure({ mode: "serial" });
test.skip(({ engine }) => engine !== "db", "starts its own servers, one per engine: runs once, in the db project");
test.setTimeout(300_000);

const ABSOLUTE_AGE = 10;
const COOKIE_AGE = 30;

/** Every engine of the registry; the Redis ones on the Redis npm test started, else on one of this spec's own. */
type Engine = string;

let ownRedis: RedisProcess | undefined;
async function redisUrl(): Promise<string> {
  if (REDIS_URL) return REDIS_URL;
  ownRedis ??= await startRedis();
  return ownRedis.url;
}
test.afterAll(async () => {
  await ownRedis?.stop();
});

async function serverFor(engine: Engine, env: Record<string, string> = {}): Promise<TestServer> {
  const redis = engineNamed(engine).needs.includes("redis") ? await redisUrl() : undefined;
  return startServer({ env: { ...engineEnv(engine, redis, mkdtempSync(path.join(DATA_DIR, "policies-"))), ...env } });
}

/** A page of its own browser context on `server`, recording every 5xx it is answered. */
async function pageOn(browser: Browser, server: TestServer): Promise<{ page: Page; errors: string[]; close(): Promise<void> }> {
  const context = await browser.newContext({ baseURL: server.baseURL });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("response", (r) => void (r.status() >= 500 && errors.push(`${r.status()} ${r.request().method()} ${r.url()}`)));
  return { page, errors, close: () => context.close() };
}

async function sessionCookieExpires(page: Page): Promise<number> {
  const cookie = (await page.context().cookies()).find((c) => c.name === COOKIE_NAME);
  if (!cookie) throw new Error("no session cookie");
  return cookie.expires;
}

for (const engine of ENGINE_NAMES) {
  test(`${engine}: Cycle key every second does not outlive SESSION_ABSOLUTE_AGE, and Set expiry cannot pass SESSION_COOKIE_AGE`, async ({ browser }) => {
    const server = await serverFor(engine, { SESSION_ABSOLUTE_AGE: String(ABSOLUTE_AGE), SESSION_COOKIE_AGE: String(COOKIE_AGE) });
    const { page, errors, close } = await pageOn(browser, server);
    try {
      await page.goto("/playground");
      const status = page.getByRole("status");
      const press = async (button: string, inputs: { key?: string; value?: string; expiry?: string } = {}) => {
        if (inputs.key !== undefined) await page.getByLabel("Key", { exact: true }).fill(inputs.key);
        if (inputs.value !== undefined) await page.getByLabel("Value", { exact: true }).fill(inputs.value);
        if (inputs.expiry !== undefined) await page.getByLabel("Expiry (seconds)", { exact: true }).fill(inputs.expiry);
        const answered = page.waitForResponse((r) => r.request().method() === "POST" && new URL(r.url()).pathname === "/playground");
        await page.getByRole("button", { name: button, exact: true }).click();
        await answered;
      };
      await press("Set", { key: "cart", value: "1" });
      await expect(status).toContainText('Set "cart" to');
      const createdBy = Date.now(); // the session was created at the latest now (its first write was answered)
      await press("Set expiry", { expiry: String(10 * 365 * 24 * 3600) });
      await expect(status).toContainText(`Expiry must be at most ${COOKIE_AGE} seconds`);
      await press("Set expiry", { expiry: String(COOKIE_AGE + 1) });
      await expect(status).toContainText(`Expiry must be at most ${COOKIE_AGE} seconds`);
      await press("Set expiry", { expiry: "20" });
      await expect(status).toContainText("Expiry set to 20 seconds.");
      expect(await sessionCookieExpires(page), "the cookie ends with the absolute age").toBeLessThanOrEqual(createdBy / 1000 + ABSOLUTE_AGE + 1);

      await signIn(page); // a new authentication: a new age
      await expect(page.getByText("Signed in as john_doe (user 123)")).toBeVisible();
      const signingIn = Date.now(); // the new age began at the latest now
      expect(await sessionCookieExpires(page), "the cookie ends with the absolute age").toBeLessThanOrEqual(Date.now() / 1000 + ABSOLUTE_AGE + 1);
      await page.goto("/playground");
      while (Date.now() - signingIn < (ABSOLUTE_AGE + 1.5) * 1000) {
        await press("Cycle key");
        await page.waitForTimeout(700);
      }
      await page.goto("/account");
      await expect(page, "signed out at the absolute age, however often the key turned").toHaveURL(/\/login/);
      expect(errors).toEqual([]);
    } finally {
      await close();
      await server.stop();
    }
  });

  test(`${engine}: a nearly full session signs in and saves a build without a 500`, async ({ browser }) => {
    const server = await serverFor(engine);
    try {
      // The filler length that fills the session to the byte (SESSION_MAX_BYTES, or the cookie's 4 KB).
      const probe = await pageOn(browser, server);
      const fits = async (length: number) => {
        const response = await probe.page.request.patch("/api/session", {
          headers: { origin: server.baseURL, "content-type": "application/json" },
          data: JSON.stringify({ set: { filler: "f".repeat(length) } }),
        });
        expect([200, 413]).toContain(response.status());
        return response.status() === 200;
      };
      let [fitting, tooLong] = [0, 70_000];
      while (tooLong - fitting > 1) {
        const middle = Math.floor((fitting + tooLong) / 2);
        if (await fits(middle)) fitting = middle;
        else tooLong = middle;
      }
      await probe.close();

      // Room left, in bytes of JSON: none; enough for the sign-in keys but not the welcome message; more.
      for (const room of [0, 100, 160, 260]) {
        const { page, errors, close } = await pageOn(browser, server);
        try {
          await page.goto("/");
          const filled = await page.request.patch("/api/session", {
            headers: { origin: server.baseURL, "content-type": "application/json" },
            data: JSON.stringify({ set: { filler: "f".repeat(fitting - room) } }),
          });
          expect(filled.status()).toBe(200);
          await page.goto("/");
          await page.getByLabel("CPU").selectOption({ index: 1 });
          const cpu = await page.getByLabel("CPU").inputValue();
          await page.getByRole("button", { name: "Save build" }).click();
          const saved = page.getByText(`CPU: ${cpu}`);
          const refused = page.getByText(/too large/);
          await expect(saved.or(refused).first()).toBeVisible();
          if (await refused.isVisible()) await expect(page.getByText("CPU: CPU not selected"), "a refused build changes nothing").toBeVisible();
          if (room === 0) await expect(refused, "a full session says so").toBeVisible();

          await signIn(page);
          await expect(page.getByText("Signed in as john_doe (user 123)"), `room ${room}`).toBeVisible();
          expect(errors, `room ${room}`).toEqual([]);
        } finally {
          await close();
        }
      }
    } finally {
      await server.stop();
    }
  });
}

/** The app's server actions, from the build's manifest: id, file, exported name, and a page that serves it. */
function builtActions(): { id: string; file: string; name: string; page: string }[] {
  const manifest = JSON.parse(readFileSync(path.join(process.env.NEXT_DIST_DIR || ".next", "server", "server-reference-manifest.json"), "utf8")) as {
    node: Record<string, { filename: string; exportedName: string; workers: Record<string, unknown> }>;
  };
  return Object.entries(manifest.node).map(([id, action]) => {
    const worker = Object.keys(action.workers)[0]; // "app/account/page" serves /account
    return { id, file: action.filename, name: action.exportedName, page: worker.replace(/^app/, "").replace(/\/page$/, "") || "/" };
  });
}

/** Every `actions.ts` under app/, and the names it exports. */
function sourceActions(): { file: string; names: string[]; source: string }[] {
  const files = readdirSync("app", { recursive: true, encoding: "utf8" }).filter((f) => path.basename(f) === "actions.ts");
  return files.map((f) => {
    const file = path.join("app", f).split(path.sep).join("/");
    const source = readFileSync(file, "utf8");
    const names = [...source.matchAll(/^export (?:const|async function|function) (\w+)/gm)].map((m) => m[1]);
    return { file, names, source };
  });
}

/** A multipart body whose argument list (field "0") is `reply`, as React encodes an action's arguments. */
async function multipart(reply: string): Promise<{ body: Buffer; contentType: string }> {
  const form = new FormData();
  form.set("0", reply);
  const encoded = new Response(form);
  return { body: Buffer.from(await encoded.arrayBuffer()), contentType: encoded.headers.get("content-type")! };
}

test("every server action refuses arguments that are not its form's: a 4xx, and no stack trace in the log", async () => {
  const actions = builtActions();
  for (const { file, names, source } of sourceActions()) {
    for (const name of names) {
      expect(actions.some((a) => a.file === file && a.name === name), `${file} ${name} is in the build`).toBe(true);
      expect(source, `${file} ${name} is behind the guard of app/form-action.ts`).toMatch(new RegExp(`export const ${name} = (formAction|stateAction)\\(`));
    }
  }
  const server = await startServer();
  try {
    const bodies: [string, () => Promise<{ body: Buffer; contentType: string }>][] = [
      ["a JSON array", async () => ({ body: Buffer.from('[1,"two",{"three":3}]'), contentType: "text/plain;charset=UTF-8" })],
      ["a JSON object", async () => ({ body: Buffer.from('{"get":"x"}'), contentType: "text/plain;charset=UTF-8" })],
      ["a multipart reply of numbers", () => multipart("[7,8]")],
      // Bodies Next itself cannot decode (found by the review that attacked this change): before the guard runs.
      ["JSON null", async () => ({ body: Buffer.from("null"), contentType: "text/plain;charset=UTF-8" })],
      ["a JSON string", async () => ({ body: Buffer.from('"x"'), contentType: "text/plain;charset=UTF-8" })],
      ["an array 5,000 deep", async () => ({ body: Buffer.from("[".repeat(5000) + "]".repeat(5000)), contentType: "text/plain;charset=UTF-8" })],
      ["malformed JSON", async () => ({ body: Buffer.from("[1,"), contentType: "text/plain;charset=UTF-8" })],
      ["a body past 1 MB", async () => ({ body: Buffer.from(`["${"a".repeat(1_200_000)}"]`), contentType: "text/plain;charset=UTF-8" })],
      ["a multipart reply 5,000 deep", () => multipart("[".repeat(5000) + "]".repeat(5000))],
      ["a malformed multipart reply", () => multipart("[1,")],
      ["a multipart reply of null", () => multipart("null")],
    ];
    const logged = server.logs.length;
    for (const action of actions) {
      for (const [what, make] of bodies) {
        const { body, contentType } = await make();
        const response = await rawRequest(`${server.baseURL}${action.page}`, {
          method: "POST",
          headers: { "next-action": action.id, origin: server.baseURL, "content-type": contentType, accept: "text/x-component" },
          body,
        });
        expect(response.status, `${action.file} ${action.name} with ${what}`).toBeGreaterThanOrEqual(400);
        expect(response.status, `${action.file} ${action.name} with ${what}`).toBeLessThan(500);
      }
    }
    await new Promise((r) => setTimeout(r, 500));
    const lines = server.logs.slice(logged);
    expect(lines.filter((line) => /TypeError|Error:|^\s+at |⨯/.test(line)), "nothing logged per request").toEqual([]);
  } finally {
    await server.stop();
  }
});
