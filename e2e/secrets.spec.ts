// Secrets end to end: refused when short, generated once with mode 0600, rotated with `new,old`.
import { mkdtempSync, statSync } from "node:fs";
import path from "node:path";
import { COOKIE_NAME, DATA_DIR } from "./env";
import { expect, test } from "./fixtures";
import { sameOriginJson, serverExit, startServer, type TestServer } from "./server";

test.describe.configure({ mode: "serial" });
test.skip(({ engine }) => engine !== "db", "starts its own servers: runs once, in the db project");
test.setTimeout(120_000);

const OLD = "rotation-test-old-secret-0123456789abcdef";
const NEW = "rotation-test-new-secret-0123456789abcdef";

async function storeValue(server: TestServer): Promise<string> {
  const response = await fetch(`${server.baseURL}/api/session`, { method: "PATCH", headers: sameOriginJson(server.baseURL), body: JSON.stringify({ set: { kept: "yes" } }) });
  return response.headers.getSetCookie().find((c) => c.startsWith(`${COOKIE_NAME}=`))!.split(";")[0];
}

async function readValue(server: TestServer, cookie: string): Promise<unknown> {
  return (await (await fetch(`${server.baseURL}/api/session`, { headers: { cookie } })).json()).items.kept;
}

test("a SESSION_SECRET under 32 characters stops start-up with a message naming it", async () => {
  const { code, logs } = await serverExit({ env: { SESSION_SECRET: "too-short" } });
  expect(code).not.toBe(0);
  expect(logs.join("\n")).toContain("SESSION_SECRET");
});

test("a bad setting stops start-up with a message naming the variable", async () => {
  const { code, logs } = await serverExit({ env: { SESSION_COOKIE_AGE: "abc" } });
  expect(code).not.toBe(0);
  expect(logs.join("\n")).toContain("SESSION_COOKIE_AGE");
});

test("without SESSION_SECRET a secret is generated once (mode 0600, one warning) and kept across restarts", async () => {
  const secretFile = path.join(mkdtempSync(path.join(DATA_DIR, "secret-")), "session-secret");
  const env = { SESSION_SECRET: undefined, SESSION_SECRET_FILE: secretFile };
  const first = await startServer({ env });
  const cookie = await storeValue(first);
  await first.stop();
  expect(statSync(secretFile).mode & 0o777).toBe(0o600);
  expect(first.logs.filter((l) => l.includes("SESSION_SECRET is not set"))).toHaveLength(1);

  const second = await startServer({ env, dbFile: first.dbFile });
  try {
    expect(await readValue(second, cookie)).toBe("yes");
    expect(second.logs.filter((l) => l.includes("SESSION_SECRET is not set"))).toHaveLength(0);
  } finally {
    await second.stop();
  }
});

test("rotation: a cookie sealed with the old secret opens under new,old, and not once old is dropped", async () => {
  const before = await startServer({ env: { SESSION_SECRET: OLD } });
  const cookie = await storeValue(before);
  await before.stop();

  const rotated = await startServer({ env: { SESSION_SECRET: `${NEW},${OLD}` }, dbFile: before.dbFile });
  try {
    expect(await readValue(rotated, cookie)).toBe("yes");
  } finally {
    await rotated.stop();
  }

  const dropped = await startServer({ env: { SESSION_SECRET: NEW }, dbFile: before.dbFile });
  try {
    expect(await readValue(dropped, cookie)).toBeUndefined();
  } finally {
    await dropped.stop();
  }
});
