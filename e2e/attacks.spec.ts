// The attacker suite: each finding of the trust-boundary review replayed as an attacker
// would, against real `next start` servers (most start their own: own port, database and
// logs), asserting the fixed behaviour. Unsafe API requests carry a same-origin Origin and a
// JSON content type unless a test is about those checks.
import { spawn, execFileSync } from "node:child_process";
import { createServer, type Server } from "node:http";
import { mkdtempSync } from "node:fs";
import type { AddressInfo } from "node:net";
import path from "node:path";
import type { Browser, BrowserContext } from "@playwright/test";
import { COOKIE_NAME, DATA_DIR, TEST_SECRET } from "./env";
import { expect, sessionCookie, signIn, test } from "./fixtures";
import { freePort } from "../test/free-port";
import { pool, startServer, type TestServer } from "./server";
import {
  Client,
  hugeBody,
  largestRow,
  nestedArrays,
  OUTAGE_LOG,
  PASSWORD,
  postLogin,
  signedIn,
  SIGNED_IN,
  text,
  THROTTLED,
  USERNAME,
  visits,
} from "./attacks/http";

const MAX_BYTES = 65_536; // SESSION_MAX_BYTES's default
const MAX_SAFE = Number.MAX_SAFE_INTEGER;
const BASE64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
/** `literal` as a regex source (a cookie name may hold `.` `*` `+` `|` and other regex syntax). */
const escapeRegExp = (literal: string) => literal.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
/** A Set-Cookie line that sets the session cookie to a seal. */
const SETS_A_SEAL = new RegExp(`^${escapeRegExp(COOKIE_NAME)}=Fe26`);

/**
 * Runs `work` against a server of its own, stopped afterwards. These attacks are on SESSION_MAX_BYTES,
 * so an anonymous session may reach it here (e2e/budget.spec.ts tests the smaller anonymous limit).
 */
async function withServer<T>(work: (server: TestServer) => Promise<T>, env?: Record<string, string | undefined>): Promise<T> {
  const server = await startServer({ env: { SESSION_ANONYMOUS_MAX_BYTES: String(MAX_BYTES), ...env } });
  try {
    return await work(server);
  } finally {
    await server.stop();
  }
}

/** The lines a server logged that say the session store was taken for unavailable. */
function outageLines(server: TestServer, since = 0): string[] {
  return server.logs.slice(since).filter((line) => line.includes(OUTAGE_LOG));
}

/** Signs a browser context in through the login form (JavaScript on). */
async function newContext(browser: Browser, baseURL: string, options: Parameters<Browser["newContext"]>[0] = {}): Promise<BrowserContext> {
  return browser.newContext({ baseURL, ...options });
}

const reservedRefusal = (status: number) => expect(status, "a reserved key is refused with 400").toBe(400);

test.describe("attacks through the API (servers of their own)", () => {
  test.skip(({ engine }) => engine !== "db", "starts its own servers: runs once, in the db project");
  test.setTimeout(180_000);

  // issue item 1
  test("a client cannot sign itself in by writing user_id/username or _auth_* keys", async () => {
    await withServer(async (server) => {
      // Ordinary keys that merely look like a sign-in: allowed, and they sign nobody in.
      const forger = new Client(server.baseURL);
      expect((await forger.patch({ set: { user_id: 123, username: USERNAME } })).status).toBe(200);
      const account = await forger.get("/account");
      expect(text(account.body), "a session with user_id/username written by the client").not.toContain("Signed in as");
      expect(account.headers.location ?? "", "/account sends the forger to /login").toMatch(/\/login/);
      expect((await forger.get("/account/devices")).headers.location ?? "").toMatch(/\/login/);

      // The sign-in's own keys are reserved: refused with a JSON error, nothing stored.
      for (const body of [
        { set: { _auth_user_id: 123, _auth_user_hash: "x" } },
        { set: { _auth_user_id: 123 } },
        { set: { _auth_user_hash: "x", ok: 1 } },
        { delete: ["_auth_user_id"] },
      ]) {
        const response = await forger.patch(body);
        reservedRefusal(response.status);
        expect(typeof response.json().error, JSON.stringify(body)).toBe("string");
      }
      reservedRefusal((await forger.increment({ key: "_auth_user_id", by: 123 })).status);
      expect(await signedIn(forger)).toBe(false);
      expect(await forger.items()).toEqual({ user_id: 123, username: USERNAME });

      // A fresh client trying the reserved keys straight away: no session at all comes of it.
      const fresh = new Client(server.baseURL);
      reservedRefusal((await fresh.patch({ set: { _auth_user_id: 123, _auth_user_hash: "x", username: USERNAME } })).status);
      expect(await signedIn(fresh)).toBe(false);

      // A real sign-in: the reserved keys are not listed, cannot be deleted, and user_id does not move it.
      const user = new Client(server.baseURL);
      const login = await postLogin(user, PASSWORD);
      expect(login.status, "the login form signs in").toBeLessThan(400);
      expect(await signedIn(user)).toBe(true);
      expect(Object.keys(await user.items()).filter((k) => k.startsWith("_"))).toEqual([]);
      reservedRefusal((await user.patch({ delete: ["_auth_user_id"] })).status);
      reservedRefusal((await user.patch({ set: { _auth_user_hash: "forged" } })).status);
      expect((await user.patch({ set: { user_id: 999, username: "mallory" } })).status).toBe(200);
      expect(await signedIn(user), "ordinary user_id/username keys do not change who is signed in").toBe(true);
    });
  });

  // issue item 2
  for (const attack of [
    {
      name: "the reserved key _session_expiry set to a string",
      async run(c: Client) {
        expect((await c.patch({ set: { _session_expiry: "x" } })).status).toBe(400);
      },
    },
    {
      name: "an increment sent as text/plain (no CORS preflight) by 1e308",
      async run(c: Client) {
        const response = await c.send("POST", "/api/session/increment", { raw: '{"key":"n","by":1e308}', headers: { "content-type": "text/plain" } });
        expect(response.status, "text/plain is not JSON: 415").toBe(415);
        expect((await c.send("POST", "/api/session/increment", { raw: '{"key":"n","by":1}', headers: { "content-type": "text/plain" } })).status).toBe(415);
      },
    },
    {
      name: "an increment by 1e308",
      async run(c: Client) {
        expect((await c.increment({ key: "n", by: 1e308 })).status).toBe(400);
      },
    },
    {
      name: "a PATCH of 1,200 keys on an existing row (must succeed: all keys stored)",
      async run(c: Client) {
        const set = Object.fromEntries(Array.from({ length: 1200 }, (_, i) => [`k${i}`, i]));
        expect((await c.patch({ set })).status, "a save of many keys is legitimate").toBe(200);
        const items = await c.items();
        expect(Object.keys(items).filter((k) => k.startsWith("k")).length).toBe(1200);
        expect(items.k1199).toBe(1199);
        // And 5,000 keys in one PATCH, still under the size limit, on a new row.
        const other = new Client(c.baseURL);
        const many = Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`k${i}`, 1]));
        expect((await other.patch({ set: many })).status).toBe(200);
        expect(Object.keys(await other.items()).length).toBe(5000);
      },
    },
    {
      name: "a value 1,001 deep on an existing row",
      async run(c: Client) {
        expect((await c.send("PATCH", "/api/session", { raw: `{"set":{"deep":${nestedArrays(1001)}}}` })).status).toBe(400);
        expect(await c.items()).toEqual({ a: 1 });
      },
    },
    {
      name: "the key __proto__ with an object value",
      async run(c: Client) {
        const value = { a: 2, _session_expiry: "x", _auth_user_id: 123 };
        const response = await c.send("PATCH", "/api/session", { raw: `{"set":{"__proto__":${JSON.stringify(value)}}}` });
        expect(response.status, "stored as an ordinary key (200) or refused (400), never 5xx").toBeLessThan(500);
        expect([200, 400]).toContain(response.status);
        const items = await c.items();
        expect(items.a, "other keys are untouched").toBe(1);
        expect(Object.keys(items).filter((k) => k.startsWith("_") && k !== "__proto__")).toEqual([]);
        if (response.status === 200) expect(Object.getOwnPropertyDescriptor(items, "__proto__")?.value).toEqual(value);
        else expect(Object.keys(items)).toEqual(["a"]);
        const expiryAge = (await c.get("/api/session")).json().expiryAge;
        expect(expiryAge, "the expiry was not smuggled in").toBeGreaterThan(1_000_000);
        expect(await signedIn(c)).toBe(false);
      },
    },
  ]) {
    test(`bad input does not take the site down: ${attack.name}`, async () => {
      await withServer(async (server) => {
        const bystander = new Client(server.baseURL);
        expect(await bystander.library()).toEqual({ status: 200, count: 1 });
        const attacker = new Client(server.baseURL);
        expect((await attacker.patch({ set: { a: 1 } })).status).toBe(200);
        const logsBefore = server.logs.length;
        let attackError: unknown;
        try {
          await attack.run(attacker);
        } catch (error) {
          attackError = error;
        }
        // Right after the attack, another visitor's page: served, and counted.
        expect(await bystander.library(), "another client's /library right after the attack").toEqual({ status: 200, count: 2 });
        expect(outageLines(server, logsBefore), "no storage outage logged for bad input").toEqual([]);
        if (attackError) throw attackError;
      });
    });
  }

  // issue item 3
  test("increment obeys the reserved-key, integer and size rules: no far-future expiry, no oversized row, sign-in still works", async () => {
    await withServer(async (server) => {
      const c = new Client(server.baseURL);
      expect((await c.patch({ set: { a: 1 } })).status).toBe(200);
      const expiry = await c.increment({ key: "_session_expiry", by: 1e11 });
      expect(expiry.sessionSetCookie ?? "").not.toContain("Invalid Date");
      reservedRefusal(expiry.status);
      const state = (await c.get("/api/session")).json();
      expect(state.expiryAge as number).toBeLessThanOrEqual(1_209_600);

      const statuses: number[] = [];
      let tooLarge = "";
      for (let i = 0; i < 1000; i++) {
        const key = String(i).padStart(4, "0") + "k".repeat(252); // 256 characters, each a new key
        const response = await c.increment({ key, by: 1 });
        statuses.push(response.status);
        if (response.status === 413) tooLarge ||= String(response.json().error);
        if (response.status !== 200 && response.status !== 413) break;
      }
      const accepted = statuses.filter((s) => s === 200).length;
      console.log(`# 256-character increments: ${accepted} accepted, then ${statuses.length - accepted} refused (${[...new Set(statuses)].join(", ")})`);
      const firstRefusal = statuses.findIndex((s) => s !== 200);
      expect(firstRefusal, "the increments stop at the size limit").toBeGreaterThan(0);
      expect(statuses.slice(firstRefusal), "every increment past the limit is a 413").toEqual(statuses.slice(firstRefusal).map(() => 413));
      expect(tooLarge).toMatch(/too large/i);
      expect(Buffer.byteLength(JSON.stringify(await c.items()))).toBeLessThanOrEqual(MAX_BYTES);
      expect(await largestRow(server.dbFile), "no stored row is past SESSION_MAX_BYTES").toBeLessThanOrEqual(MAX_BYTES + 1024);

      // Signing in from the full session still works.
      const login = await postLogin(c, PASSWORD);
      expect(login.status, "sign-in from a full session").toBeLessThan(500);
      expect(await signedIn(c)).toBe(true);
    });
  });

  // issue item 4
  test("a session cookie counts byte for byte: a changed last character, version mark, appended or truncated characters open a fresh session", async () => {
    await withServer(async (server) => {
      const owner = new Client(server.baseURL);
      expect(await owner.library()).toEqual({ status: 200, count: 1 });
      const original = owner.cookie!;
      expect(original).toMatch(/~2$/);
      const mac = original.lastIndexOf("~") - 1; // the last character of the seal's MAC
      const variants = new Map<string, string>();
      for (const c of BASE64URL) if (c !== original[mac]) variants.set(`MAC's last character → ${c}`, original.slice(0, mac) + c + original.slice(mac + 1));
      for (const c of "0134569aAx") variants.set(`version mark 2 → ${c}`, original.slice(0, -1) + c);
      for (const tail of ["x", "~2", "a", "2", "~", "*"]) variants.set(`${JSON.stringify(tail)} appended`, original + tail);
      for (const cut of [1, 2, 3]) variants.set(`${cut} character(s) cut`, original.slice(0, -cut));
      const opened: string[] = [];
      await pool([...variants].length, 4, async (i) => {
        const [name, cookie] = [...variants][i];
        const response = await new Client(server.baseURL, cookie).get("/library");
        if (response.status >= 500 || visits(response.body) !== 1) opened.push(`${name}: ${response.status}, count ${visits(response.body)}`);
      });
      expect(opened, "variants that did not open a fresh session").toEqual([]);
      expect(await owner.library(), "the original cookie is still the only one that opens the session").toEqual({ status: 200, count: 2 });
    });
  });

  // issue item 4
  test("changing any single character of a session cookie never opens the original session", async () => {
    await withServer(async (server) => {
      const owner = new Client(server.baseURL);
      expect(await owner.library()).toEqual({ status: 200, count: 1 });
      const original = owner.cookie!;
      // A different character of the same alphabet; flipping the lowest bit keeps a base64
      // character's high bits, so in the last character of a field it may decode to the same bytes.
      const replacement = (c: string) => {
        const at = BASE64URL.indexOf(c);
        if (at >= 0) return BASE64URL[at ^ 1];
        return c === "*" ? "~" : "*";
      };
      const opened: string[] = [];
      await pool(original.length, 4, async (i) => {
        const cookie = original.slice(0, i) + replacement(original[i]) + original.slice(i + 1);
        const response = await new Client(server.baseURL, cookie).get("/library");
        if (response.status >= 500 || visits(response.body) !== 1) {
          opened.push(`position ${i} of ${original.length} (${original[i]} → ${replacement(original[i])}): ${response.status}, count ${visits(response.body)}`);
        }
      });
      console.log(`# cookie mutations: ${original.length} positions, ${opened.length} opened the original or failed`);
      expect(opened, "positions whose change still opened the original session").toEqual([]);
      expect(await owner.library()).toEqual({ status: 200, count: 2 });
    });
  });

  // issue item 5
  test("unsafe /api/session requests need the same origin and JSON: 403 with no Set-Cookie, 415, session unchanged", async () => {
    await withServer(async (server) => {
      const port = new URL(server.baseURL).port;
      const victim = new Client(server.baseURL);
      expect((await victim.patch({ set: { a: 1 } })).status).toBe(200);
      const cookie = victim.cookie!;
      const foreign: [string, Record<string, string | undefined>][] = [
        ["an Origin on another port", { origin: `http://localhost:${Number(port) + 1}` }],
        ["Origin 127.0.0.1 while Host is localhost", { origin: `http://127.0.0.1:${port}` }],
        ["Origin null", { origin: "null" }],
        ["another site", { origin: "https://evil.example" }],
        ["neither Origin nor Sec-Fetch-Site", { origin: undefined }],
        ["Sec-Fetch-Site: cross-site", { origin: undefined, "sec-fetch-site": "cross-site" }],
        ["Sec-Fetch-Site: same-site", { origin: undefined, "sec-fetch-site": "same-site" }],
      ];
      const accepted: string[] = [];
      for (const [name, headers] of foreign) {
        for (const [method, route, json] of [
          ["PATCH", "/api/session", { set: { pwned: 1 } }],
          ["POST", "/api/session/increment", { key: "pwned" }],
          ["DELETE", "/api/session", undefined],
        ] as const) {
          for (const withCookie of [true, false]) {
            const response = await new Client(server.baseURL, cookie).send(method, route, { json, headers, withCookie });
            if (response.status !== 403 || response.sessionSetCookie) {
              accepted.push(`${method} ${route} from ${name}${withCookie ? "" : " (no cookie)"}: ${response.status}${response.sessionSetCookie ? ", Set-Cookie" : ""}`);
            }
          }
        }
      }
      expect(accepted, "cross-origin writes not refused with a bare 403").toEqual([]);
      expect(await victim.items()).toEqual({ a: 1 });
      expect(victim.cookie).toBe(cookie);

      // Same origin, but not JSON: 415, nothing changes.
      for (const contentType of ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", undefined]) {
        for (const [method, route, body] of [
          ["PATCH", "/api/session", '{"set":{"pwned":1}}'],
          ["POST", "/api/session/increment", '{"key":"pwned"}'],
        ] as const) {
          const response = await victim.send(method, route, { raw: body, headers: { "content-type": contentType } });
          expect(response.status, `${method} ${route} as ${contentType ?? "no content type"}`).toBe(415);
        }
      }
      expect(await victim.items()).toEqual({ a: 1 });

      // The controls: the same requests from the site itself work.
      expect((await victim.patch({ set: { b: 2 } }, { headers: { "content-type": "application/json; charset=utf-8" } })).status).toBe(200);
      const fetchMetadata = await victim.increment({ key: "n" }, { headers: { origin: undefined, "sec-fetch-site": "same-origin" } });
      expect(fetchMetadata.status, "Sec-Fetch-Site: same-origin without Origin").toBe(200);
      expect(await victim.items()).toEqual({ a: 1, b: 2, n: 1 });
    });
  });

  // issue item 5
  test("a 100 MB body is refused with 413 without being read", async () => {
    await withServer(async (server) => {
      const victim = new Client(server.baseURL);
      expect((await victim.patch({ set: { a: 1 } })).status).toBe(200);
      const headers = { origin: server.baseURL, "content-type": "application/json", cookie: `${COOKIE_NAME}=${victim.cookie}` };
      for (const route of ["/api/session", "/api/session/increment"]) {
        const declared = await hugeBody(`${server.baseURL}${route}`, { ...headers }, {
          method: route === "/api/session" ? "PATCH" : "POST",
          declaredLength: 104_857_600,
          streamBytes: 1_048_576,
          timeoutMs: 5_000,
        }).catch((error: Error) => ({ status: 0, written: -1, ms: -1, error: error.message }));
        console.log(`# ${route}, Content-Length 100 MB: ${JSON.stringify(declared)}`);
        expect(declared.status, `${route} with Content-Length: 104857600`).toBe(413);
      }
      // Chunked (no Content-Length): counted as it streams, refused long before 100 MB.
      const streamed = await hugeBody(`${server.baseURL}/api/session`, { ...headers }, {
        method: "PATCH",
        streamBytes: 104_857_600,
        chunk: Buffer.from(`{"set":{"big":"${"x".repeat(64 * 1024)}`),
        timeoutMs: 20_000,
      });
      console.log(`# chunked 100 MB: ${streamed.status} after ${streamed.written} bytes, ${streamed.ms} ms`);
      expect(streamed.status).toBe(413);
      expect(streamed.written, "the server answered before the whole body was sent").toBeLessThan(50 * 1_048_576);
      expect(await victim.items()).toEqual({ a: 1 });
    });
  });

  // issue item 7
  test("wrong passwords are throttled, and other pages answer while they are checked", async () => {
    await withServer(async (server) => {
      const bystander = new Client(server.baseURL);
      await bystander.library();
      const time = async () => {
        const started = performance.now();
        const { status } = await bystander.library();
        expect(status).toBe(200);
        return performance.now() - started;
      };
      const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
      for (let i = 0; i < 5; i++) await time(); // warm-up
      const baseline: number[] = [];
      for (let i = 0; i < 30; i++) baseline.push(await time());

      const formHtml = (await new Client(server.baseURL).get("/login")).body;
      const attempts = 60;
      /** /library's latencies while `flood` runs. */
      const sampleDuring = async <T>(flood: () => Promise<T>): Promise<{ result: T; samples: number[]; ms: number }> => {
        let done = false;
        const samples: number[] = [];
        const sampler = (async () => {
          while (!done || samples.length < 10) samples.push(await time());
        })();
        const started = Date.now();
        const result = await flood();
        const ms = Date.now() - started;
        done = true;
        await sampler;
        return { result, samples, ms };
      };
      const flood = () =>
        pool(attempts, 6, async (i) => {
          const response = await postLogin(new Client(server.baseURL), `wrong-password-${i}`, { formHtml });
          return { status: response.status, body: text(response.body) };
        });
      const attack = await sampleDuring(flood);
      // Wrong passwords until the wait is at least 4 s (each checked failure doubles it), so neither the
      // control below nor the right password afterwards can slip in as a wait runs out.
      for (let i = 0; i < 12; i++) {
        const wait = Number(text((await postLogin(new Client(server.baseURL), `still-wrong-${i}`, { formHtml })).body).match(/Try again in (\d+) second/)?.[1] ?? 0);
        if (wait >= 4) break;
        if (wait > 0) await new Promise((r) => setTimeout(r, wait * 1000 + 100)); // let it run out, then fail once more
      }
      // The control: the same flood again, throttled throughout, so it hashes nothing. Both latencies are
      // printed, not compared: the attack hashes 5 or 6 passwords, and on a shared 2-core machine the
      // control's own median moved from 89 to 172 ms between runs, so a bound on them would test the
      // machine (timing belongs in `npm run bench`). What kept the starvation (600 hashes, a
      // 70 x slower /library) from returning is asserted: the throttle below bounds the passwords
      // checked, and test/login-throttle.test.ts runs real scrypt through the one-at-a-time line.
      const control = await sampleDuring(flood);
      expect(control.result.every((a) => THROTTLED.test(a.body)), "the control flood is throttled throughout").toBe(true);
      const [answers, attackMs, during] = [attack.result, attack.ms, attack.samples];

      const throttled = answers.filter((a) => THROTTLED.test(a.body)).length;
      const invalid = answers.filter((a) => a.body.includes("Invalid username or password")).length;
      const [base, load, controlLoad] = [median(baseline), median(during), median(control.samples)];
      console.log(
        `# ${attempts} wrong passwords in ${attackMs} ms: ${throttled} throttled, ${invalid} "invalid"; ` +
          `/library median ${base.toFixed(1)} ms before, ${load.toFixed(1)} ms during (${during.length} samples), ` +
          `${controlLoad.toFixed(1)} ms during the same flood throttled throughout (${control.samples.length} samples)`,
      );
      expect(answers.filter((a) => a.status >= 500)).toEqual([]);
      expect(throttled, "attempts answered with the throttled message").toBeGreaterThan(0);
      expect(throttled + invalid, "every attempt is answered with one message or the other").toBe(attempts);
      expect(invalid, "passwords actually checked out of 60 (the rest throttled)").toBeLessThanOrEqual(15);
      // While throttled, even the right password is not tried.
      const right = await postLogin(new Client(server.baseURL), PASSWORD, { formHtml });
      expect(text(right.body)).toMatch(THROTTLED);
      expect(right.sessionSetCookie, "no signed-in cookie for a throttled attempt").toBeUndefined();
    });
  });

  // issue item 9
  test("keys with lone surrogates are refused on new and existing rows", async () => {
    await withServer(async (server) => {
      const bodies = [
        ["set, new row", "PATCH", "/api/session", '{"set":{"a\\ud800":1}}'],
        ["set of a lone low surrogate", "PATCH", "/api/session", '{"set":{"\\udc00b":1}}'],
        ["increment", "POST", "/api/session/increment", '{"key":"a\\ud800"}'],
        ["delete", "PATCH", "/api/session", '{"delete":["a\\ud800"]}'],
        ["string value", "PATCH", "/api/session", '{"set":{"s":"x\\ud800"}}'],
        ["object key inside a value", "PATCH", "/api/session", '{"set":{"o":{"k\\ud800":1}}}'],
      ] as const;
      const fresh = new Client(server.baseURL);
      expect((await fresh.send("PATCH", "/api/session", { raw: bodies[0][3] })).status, "a lone-surrogate key on a new row").toBe(400);
      expect(fresh.cookie, "a refused first write creates no session").toBeUndefined();

      const c = new Client(server.baseURL);
      expect((await c.patch({ set: { a: 1 } })).status).toBe(200);
      for (const [name, method, route, raw] of bodies) {
        expect((await c.send(method, route, { raw })).status, `${name} on an existing row`).toBe(400);
      }
      expect(await c.items()).toEqual({ a: 1 });
    });
  });

  // issue item 9
  test("deep values are refused with 400 on new and existing rows, and never answer 500", async () => {
    await withServer(async (server) => {
      const setDeep = (c: Client, depth: number) => c.send("PATCH", "/api/session", { raw: `{"set":{"deep":${nestedArrays(depth)}}}` });
      const fresh = new Client(server.baseURL);
      expect((await setDeep(fresh, 1001)).status, "1,001 deep on a new row").toBe(400);
      expect((await fresh.patch({ set: { b: 1 } })).status).toBe(200);
      expect(await fresh.items(), "the next write keeps its data").toEqual({ b: 1 });

      const c = new Client(server.baseURL);
      expect((await c.patch({ set: { a: 1 } })).status).toBe(200);
      expect((await setDeep(c, 100)).status, "100 deep is allowed").toBe(200);
      expect((await setDeep(c, 101)).status, "101 deep").toBe(400);
      expect((await setDeep(c, 90_000)).status, "90,000 deep (under the body limit)").toBe(400);
      const huge = await setDeep(c, 200_000);
      expect(huge.status, "200,000 deep: refused (400, or 413 for the body size), never 500").toBeLessThan(500);
      expect([400, 413]).toContain(huge.status);
      const deepObject = '{"x":'.repeat(101) + "1" + "}".repeat(101);
      expect((await c.send("PATCH", "/api/session", { raw: `{"set":{"o":${deepObject}}}` })).status, "objects 101 deep").toBe(400);
      const items = await c.items();
      expect(items.a).toBe(1);
      expect(Object.keys(items).sort()).toEqual(["a", "deep"]);
    });
  });

  // issue item 9
  test("a value of any JSON type in the keys the pages show never makes a page 500", async () => {
    await withServer(async (server) => {
      const keys = ["sname", "semail", "cpu", "gpu", "ram", "greeting", "num_visits"];
      const failures: string[] = [];
      for (const value of [{ a: 1 }, [1, 2], { toString: "x" }, 42, true, null, "", "<b>x</b>"]) {
        const c = new Client(server.baseURL);
        expect((await c.patch({ set: Object.fromEntries(keys.map((k) => [k, value])) })).status).toBe(200);
        for (const page of ["/", "/getsession", "/greeting", "/library", "/setsession", "/playground", "/account"]) {
          const response = await c.get(page);
          const allowed = page === "/getsession" ? [200, 404] : [200, 303, 307];
          if (!allowed.includes(response.status)) failures.push(`${page} with ${JSON.stringify(value)}: ${response.status}`);
        }
      }
      expect(failures).toEqual([]);
    });
  });

  // issue item 9
  test("non-Latin-1 next paths: /session/renew answers 303 and sign-in lands there, no 500", async () => {
    await withServer(async (server) => {
      for (const next of ["/caf%C3%A9", "/%E2%82%AC", "/%F0%9F%8D%AA?x=%C3%A9"]) {
        const response = await new Client(server.baseURL).get(`/session/renew?next=${next}`);
        expect(response.status, `/session/renew?next=${next}`).toBe(303);
        const location = String(response.headers.location);
        expect(location, "the Location header is percent-encoded ASCII").toMatch(/^[\x21-\x7e]+$/);
        expect(new URL(location, server.baseURL).origin).toBe(server.baseURL);
        expect(decodeURIComponent(new URL(location, server.baseURL).pathname)).toBe(decodeURIComponent(next.split("?")[0]));
      }
      for (const [next, path] of [
        ["/%E2%82%AC", "/€"],
        ["/caf%C3%A9", "/café"],
      ]) {
        const c = new Client(server.baseURL);
        const loginPath = `/login?next=${next}`;
        const formHtml = (await new Client(server.baseURL).get(loginPath)).body;
        const login = await postLogin(c, PASSWORD, { formHtml, loginPath });
        expect(login.status, `sign-in with next=${path}`).toBe(303);
        const location = String(login.headers.location);
        expect(location, "the Location header is percent-encoded ASCII").toMatch(/^[\x21-\x7e]+$/);
        expect(decodeURIComponent(new URL(location, server.baseURL).pathname)).toBe(path);
        expect(await signedIn(c)).toBe(true);
      }
    });
  });

  // issue item 9
  test("GET /session/renew leaves a valid live cookie alone, so a cross-site link cannot sign the victim out", async () => {
    await withServer(async (server) => {
      const victim = new Client(server.baseURL);
      expect((await postLogin(victim, PASSWORD)).status).toBeLessThan(400);
      expect(await signedIn(victim)).toBe(true);
      const cookie = victim.cookie;
      const renew = await victim.get("/session/renew?next=/account", { headers: { "sec-fetch-site": "cross-site" } });
      expect(renew.status).toBe(303);
      expect(renew.sessionSetCookie, "no new cookie for a live one").toBeUndefined();
      expect(victim.cookie).toBe(cookie);
      expect(await signedIn(victim)).toBe(true);
      // Without a cookie, or with a tampered one, it does issue a new key.
      expect((await new Client(server.baseURL).get("/session/renew?next=/library")).sessionSetCookie).toMatch(SETS_A_SEAL);
      const tampered = await new Client(server.baseURL, cookie!.slice(0, -1) + "3").get("/session/renew?next=/");
      expect(tampered.status).toBe(303);
      expect(tampered.sessionSetCookie).toMatch(SETS_A_SEAL);
    });
  });

  // issue item 9
  test("GET /api/session is never cacheable, with or without the proxy", async () => {
    await withServer(async (server) => {
      const c = new Client(server.baseURL);
      expect((await c.patch({ set: { a: 1 } })).status).toBe(200);
      const checked = { cookie: `${COOKIE_NAME}=${c.cookie}; session_checked=db` }; // the proxy skips requests with session_checked
      for (const [name, response] of [
        ["GET without the proxy", await c.get("/api/session", { headers: checked })],
        ["GET", await c.get("/api/session")],
        ["GET, no cookie, without the proxy", await new Client(server.baseURL).get("/api/session", { headers: { cookie: "session_checked=db" } })],
        ["PATCH", await c.patch({ set: { b: 1 } }, { headers: checked })],
        ["POST increment", await c.increment({ key: "n" }, { headers: checked })],
        ["a refused PATCH", await c.patch({ set: { _x: 1 } }, { headers: checked })],
      ] as const) {
        expect(response.headers["cache-control"], name).toMatch(/no-store/);
        expect(response.headers["cache-control"], name).toMatch(/private/);
      }
    });
  });

  // issue item 9
  test("increments stay safe integers: by 2^53, past 2^53-1 or on a non-integer is a 400 and changes nothing", async () => {
    await withServer(async (server) => {
      const c = new Client(server.baseURL);
      expect((await c.patch({ set: { big: MAX_SAFE - 1, f: 1.5, s: "x" } })).status).toBe(200);
      const refused: [string, unknown][] = [
        ["by 2^53", { key: "n", by: 2 ** 53 }],
        ["by -(2^53)", { key: "n", by: -(2 ** 53) }],
        ["by 1e308", { key: "n", by: 1e308 }],
        ["by 1.5", { key: "n", by: 1.5 }],
        ['by "1"', { key: "n", by: "1" }],
        ["past 2^53-1", { key: "big", by: 2 }],
        ["a float", { key: "f" }],
        ["a string", { key: "s" }],
      ];
      for (const [name, body] of refused) expect((await c.increment(body)).status, name).toBe(400);
      expect((await c.patch({ set: { huge: 2 ** 53 } })).status, "a stored number past 2^53-1").toBe(400);
      expect(await c.items()).toEqual({ big: MAX_SAFE - 1, f: 1.5, s: "x" });
      const last = await c.increment({ key: "big", by: 1 });
      expect(last.status).toBe(200);
      expect(last.json().value).toBe(MAX_SAFE);
    });
  });

  // issue item 8
  test("npm start exits with 128 + the signal number when the server dies by a signal, and says so", async () => {
    for (const [signal, code] of [
      ["SIGBUS", 135],
      ["SIGKILL", 137],
    ] as const) {
      const port = await freePort();
      const dbFile = path.join(mkdtempSync(path.join(DATA_DIR, "npm-start-")), "sessions.db");
      const start = spawn(process.execPath, ["scripts/start.mjs"], {
        env: {
          ...process.env,
          PORT: String(port),
          NEXT_TELEMETRY_DISABLED: "1",
          NEXT_DIST_DIR: process.env.NEXT_DIST_DIR || ".next",
          DATABASE_URL: `file:${dbFile}`,
          SESSION_SECRET: TEST_SECRET,
          SESSION_ENGINE: "db",
        },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let output = "";
      start.stdout.on("data", (chunk: Buffer) => (output += chunk));
      start.stderr.on("data", (chunk: Buffer) => (output += chunk));
      const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => start.on("exit", (code, signal) => resolve({ code, signal })));
      try {
        const deadline = Date.now() + 60_000;
        for (;;) {
          expect(start.exitCode, `npm start exited early:\n${output}`).toBeNull();
          if (await fetch(`http://localhost:${port}/`).then(() => true, () => false)) break;
          expect(Date.now(), `npm start did not serve:\n${output}`).toBeLessThan(deadline);
          await new Promise((r) => setTimeout(r, 200));
        }
        const children = execFileSync("pgrep", ["-P", String(start.pid)], { encoding: "utf8" }).trim().split("\n").filter(Boolean).map(Number);
        expect(children.length, "start.mjs's server process").toBeGreaterThan(0);
        process.kill(children[0], signal);
        const timer = setTimeout(() => start.kill("SIGKILL"), 15_000);
        const result = await exited;
        clearTimeout(timer);
        console.log(`# npm start after ${signal} of the server: exit ${JSON.stringify(result)}; last line: ${output.trim().split("\n").at(-1)}`);
        expect(result, `npm start when its server dies by ${signal}`).toEqual({ code, signal: null });
        expect(output, "the signal is named in the log").toContain(signal);
      } finally {
        if (start.exitCode === null && start.signalCode === null) {
          start.kill("SIGTERM");
          await exited;
        }
      }
    }
  });
});

test.describe("attacks from a browser (servers of their own)", () => {
  test.skip(({ engine }) => engine !== "db", "starts its own servers: runs once, in the db project");
  test.setTimeout(120_000);

  let attackerSite: Server | undefined;
  test.afterEach(() => new Promise<void>((resolve) => (attackerSite ? attackerSite.close(() => resolve()) : resolve())));

  /** Serves `html` from http://localhost:<another port>: the same site as the app to the browser, another origin. */
  async function serveOnAnotherPort(html: string): Promise<string> {
    attackerSite = createServer((_request, response) => response.writeHead(200, { "Content-Type": "text/html" }).end(html));
    await new Promise<void>((resolve) => attackerSite!.listen(0, resolve));
    return `http://localhost:${(attackerSite.address() as AddressInfo).port}/`;
  }

  // issue item 5
  test("a page on another port cannot write to a signed-in victim's session: no-cors fetch and text/plain form are refused", async ({ browser }) => {
    await withServer(async (server) => {
      const victim = await newContext(browser, server.baseURL);
      const page = await victim.newPage();
      await signIn(page);
      await expect(page.getByText(SIGNED_IN)).toBeVisible();
      const cookie = (await sessionCookie(victim))!.value;
      const before = (await (await page.request.get("/api/session")).json()).items;

      const target = `${server.baseURL}/api/session/increment`;
      const attackPage = `<!doctype html><html><body>
<form method="POST" enctype="text/plain" action="${target}"><input name='{"key":"pwned_by_form","by":1,"pad":"' value='"}'></form>
<script>
  fetch(${JSON.stringify(target)}, { method: "POST", mode: "no-cors", credentials: "include",
    headers: { "content-type": "text/plain" }, body: JSON.stringify({ key: "pwned_by_fetch", by: 1 }) })
    .then(() => { document.title = "sent"; }, (e) => { document.title = "failed: " + e; });
</script></body></html>`;
      const url = await serveOnAnotherPort(attackPage);

      const fetched = page.waitForResponse((r) => r.url() === target);
      await page.goto(url);
      const fetchResponse = await fetched;
      await expect(page).toHaveTitle(/sent|failed/);
      const formResponse = page.waitForResponse((r) => r.url() === target);
      await page.evaluate(() => document.forms[0].submit());
      const posted = await formResponse;
      console.log(`# same-site attack page: no-cors fetch ${fetchResponse.status()}, text/plain form ${posted.status()}`);
      expect(fetchResponse.status(), "the no-cors fetch is refused").toBeGreaterThanOrEqual(400);
      expect(posted.status(), "the text/plain form is refused").toBeGreaterThanOrEqual(400);

      const after = (await (await page.request.get("/api/session")).json()).items;
      expect(after, "the victim's session is unchanged").toEqual(before);
      expect((await sessionCookie(victim))?.value, "the victim keeps the signed-in cookie").toBe(cookie);
      await page.goto("/account");
      await expect(page.getByText(SIGNED_IN)).toBeVisible();
      await victim.close();
    });
  });
});

test.describe("attacks through the browser (the project's server)", () => {
  // issue item 1
  test("the playground refuses reserved keys, and its user_id/username do not sign in", async ({ browser, baseURL }) => {
    const context = await newContext(browser, baseURL!);
    const page = await context.newPage();
    await page.goto("/playground");
    await expect(page.getByRole("heading", { name: "Session playground" })).toBeVisible();
    const status = page.getByRole("status");
    const press = async (button: string, key: string, value: string) => {
      await page.getByLabel("Key", { exact: true }).fill(key);
      await page.getByLabel("Value", { exact: true }).fill(value);
      const answered = page.waitForResponse((r) => r.request().method() === "POST" && new URL(r.url()).pathname === "/playground");
      await page.getByRole("button", { name: button, exact: true }).click();
      await answered;
    };
    for (const [button, key, value] of [
      ["Set", "_auth_user_id", "123"],
      ["Set", "_auth_user_hash", "x"],
      ["Set", "_session_expiry", "1"],
      ["Set default", "_auth_user_id", "123"],
      ["Increment", "_auth_user_id", ""],
      ["Pop", "_auth_user_id", ""],
    ] as const) {
      await press(button, key, value);
      await expect(status, `${button} of ${key}`).toHaveClass(/error/);
      await expect(status).not.toContainText(`Set "${key}" to`);
    }
    await expect(page.getByRole("table")).not.toContainText("_auth_");
    await press("Set", "user_id", "123");
    await expect(status).toContainText('Set "user_id" to');
    await press("Set", "username", USERNAME);
    await expect(status).toContainText('Set "username" to');
    await page.goto("/account");
    await expect(page).toHaveURL(/\/login$/);
    await expect(page.getByText("Signed in as")).toHaveCount(0);
    await context.close();
  });

  // issue item 6
  test("sign-in never redirects off-site: next=/.//evil.com/x, /..//evil.com, /\\evil.com land on /account", async ({ browser, baseURL }) => {
    test.setTimeout(60_000); // eight sign-ins, each in a fresh browser
    for (const [next, landing] of [
      ["/.//evil.com/x", "/account"],
      ["/..//evil.com", "/account"],
      ["/\\evil.com", "/account"],
      ["/./\\evil.com", "/account"],
      ["//evil.com", "/account"],
      ["https://evil.com/", "/account"],
      ["/%2F%2Fevil.com", null], // a local path that merely looks like a host: anywhere on the site will do
      ["/%E2%82%AC", "/%E2%82%AC"], // non-Latin-1: followed, no 500
    ] as const) {
      const context = await newContext(browser, baseURL!);
      const offSite: string[] = [];
      context.on("request", (request) => {
        if (new URL(request.url()).hostname.includes("evil.com")) offSite.push(request.url());
      });
      await context.route((url) => url.hostname.includes("evil.com"), (route) => route.abort());
      const page = await context.newPage();
      const serverErrors: string[] = [];
      page.on("response", (r) => void (r.status() >= 500 && serverErrors.push(`${r.status()} ${r.url()}`)));
      await signIn(page, { path: `/login?next=${encodeURIComponent(next)}` });
      const settled = () => offSite.length > 0 || (page.url().startsWith(`${baseURL}/`) && new URL(page.url()).pathname !== "/login");
      await expect.poll(() => (settled() ? "settled" : `waiting at ${page.url()}`), { message: `next=${next}` }).toBe("settled");
      expect(offSite, `next=${next}: the browser tried to leave the site`).toEqual([]);
      if (landing) await expect(page).toHaveURL(`${baseURL}${landing}`);
      expect(new URL(page.url()).origin, `next=${next}`).toBe(baseURL);
      expect(serverErrors, `next=${next}`).toEqual([]);
      await page.goto("/account");
      await expect(page.getByText(SIGNED_IN)).toBeVisible();
      await context.close();
    }
  });

  // issue item 9
  test("pages and routes send X-Frame-Options, nosniff and a CSP with frame-ancestors 'none', are never compressed, and the pages run under it", async ({ browser, baseURL, request }) => {
    for (const route of ["/", "/library", "/api/session", "/login", "/playground", "/getsession", "/session/renew?next=/"]) {
      const response = await request.get(route, { maxRedirects: 0, headers: { "accept-encoding": "gzip, deflate, br, zstd" } });
      const headers = response.headers();
      expect(headers["x-frame-options"], route).toBe("DENY");
      expect(headers["x-content-type-options"], route).toBe("nosniff");
      expect(headers["content-security-policy"] ?? "", route).toMatch(/frame-ancestors 'none'/);
      // A compressed page that reflects input beside session data leaks it byte by byte (BREACH).
      expect(headers["content-encoding"], route).toBeUndefined();
    }
    // Under that policy the pages still hydrate and act: no violation reported.
    const context = await newContext(browser, baseURL!);
    const page = await context.newPage();
    const violations: string[] = [];
    page.on("console", (m) => void (/Content Security Policy|Refused to (load|execute|apply|connect|frame)/i.test(m.text()) && violations.push(m.text())));
    page.on("pageerror", (e) => void violations.push(e.message));
    for (const route of ["/", "/library", "/login", "/getsession"]) await page.goto(route);
    await page.goto("/playground");
    await page.getByLabel("Key", { exact: true }).fill("csp");
    await page.getByLabel("Value", { exact: true }).fill("1");
    await page.getByRole("button", { name: "Set", exact: true }).click();
    await expect(page.getByRole("status")).toContainText('Set "csp" to');
    expect(violations).toEqual([]);
    await context.close();
  });

  // issue item 10
  test("/getsession before /setsession without JavaScript: 404 with 'No session data yet' in the server HTML", async ({ browser, baseURL }) => {
    const context = await newContext(browser, baseURL!, { javaScriptEnabled: false });
    const page = await context.newPage();
    const response = await page.goto("/getsession");
    expect(response?.status()).toBe(404);
    await expect(page.getByText("No session data yet")).toBeVisible();
    expect(text(await response!.text())).toContain("No session data yet");
    await context.close();
  });
});
