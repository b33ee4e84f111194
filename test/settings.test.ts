import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ImproperlyConfigured, readSettings } from "../lib/session";
import { cookieAttributes, deletingCookieAttributes, parseSecrets } from "../lib/session/testing";
import { readDatabaseSettings } from "../lib/db/database-settings";

describe("settings", () => {
  it("has Django's defaults", () => {
    const s = readSettings({});
    assert.equal(s.engine, "db");
    assert.equal(s.cookieName, "sessionid"); // the default itself (SPEC): the one place the name is spelled out
    assert.equal(s.cookieAge, 1_209_600);
    assert.equal(s.cookiePath, "/");
    assert.equal(s.cookieDomain, undefined);
    assert.equal(s.cookieSecure, false);
    assert.equal(s.cookieHttpOnly, true);
    assert.equal(s.cookieSameSite, "Lax");
    assert.equal(s.expireAtBrowserClose, false);
    assert.equal(s.saveEveryRequest, false);
    assert.equal(s.maxBytes, 65_536);
  });

  it("reads every variable", () => {
    const s = readSettings({
      SESSION_ENGINE: "cookie",
      SESSION_COOKIE_NAME: "sid",
      SESSION_COOKIE_AGE: "60",
      SESSION_COOKIE_DOMAIN: "example.com",
      SESSION_COOKIE_PATH: "/app",
      SESSION_COOKIE_SECURE: "true",
      SESSION_COOKIE_HTTPONLY: "false",
      SESSION_COOKIE_SAMESITE: "strict",
      SESSION_EXPIRE_AT_BROWSER_CLOSE: "1",
      SESSION_SAVE_EVERY_REQUEST: "yes",
      SESSION_MAX_BYTES: "1024",
    }, ["db", "cookie"]);
    assert.deepEqual(
      [s.engine, s.cookieName, s.cookieAge, s.cookieDomain, s.cookiePath, s.cookieSecure, s.cookieHttpOnly, s.cookieSameSite],
      ["cookie", "sid", 60, "example.com", "/app", true, false, "Strict"],
    );
    assert.deepEqual([s.expireAtBrowserClose, s.saveEveryRequest, s.maxBytes], [true, true, 1024]);
  });

  for (const [name, value] of [
    ["SESSION_COOKIE_AGE", "abc"],
    ["SESSION_COOKIE_AGE", "-5"],
    ["SESSION_MAX_BYTES", "1.5"],
    ["SESSION_COOKIE_SECURE", "maybe"],
    ["SESSION_COOKIE_SAMESITE", "sometimes"],
    ["SESSION_ENGINE", "redis"],
    ["SESSION_COOKIE_NAME", "bad name;"],
    ["SESSION_COOKIE_PATH", "relative"],
  ]) {
    it(`refuses ${name}=${value} with a message naming the variable`, () => {
      assert.throws(() => readSettings({ [name]: value }), (e: Error) => e instanceof ImproperlyConfigured && e.message.includes(name));
    });
  }

  it("refuses SameSite=None without Secure", () => {
    assert.throws(() => readSettings({ SESSION_COOKIE_SAMESITE: "None" }), /SESSION_COOKIE_SECURE/);
  });

  it("SESSION_SECRET is a setting: parsed into secrets (the first seals), a bad one refused naming it, none when unset", () => {
    const [a, b] = ["a".repeat(32), "b".repeat(40)];
    assert.deepEqual(readSettings({ SESSION_SECRET: `${a}, ${b}` }).secrets, [a, b]);
    assert.equal(readSettings({}).secrets, undefined);
    assert.throws(() => readSettings({ SESSION_SECRET: "short" }), (e: Error) => e instanceof ImproperlyConfigured && e.message.includes("SESSION_SECRET"));
  });

  it("refuses secrets under 32 characters", () => {
    assert.throws(() => parseSecrets("short"), /at least 32/);
    assert.deepEqual(parseSecrets(`${"a".repeat(32)}, ${"b".repeat(40)}`), ["a".repeat(32), "b".repeat(40)]);
  });
});

describe("cookie attributes", () => {
  const s = readSettings({ SESSION_COOKIE_DOMAIN: "example.com", SESSION_COOKIE_SECURE: "true", SESSION_COOKIE_SAMESITE: "Strict" });

  it("honour Secure, HttpOnly and SameSite, with both Max-Age and Expires", () => {
    const a = cookieAttributes(s, 60);
    assert.deepEqual([a.secure, a.httpOnly, a.sameSite, a.domain, a.path, a.maxAge], [true, true, "strict", "example.com", "/", 60]);
    assert.ok(Math.abs(a.expires!.getTime() - Date.now() - 60_000) < 1000);
  });

  it("a browser-session cookie has neither Max-Age nor Expires", () => {
    const a = cookieAttributes(s, null);
    assert.equal(a.maxAge, undefined);
    assert.equal(a.expires, undefined);
  });

  it("the deleting cookie has Max-Age=0, an Expires in 1970 and the same Path and Domain", () => {
    const a = deletingCookieAttributes(s);
    assert.deepEqual([a.maxAge, a.expires!.getTime(), a.path, a.domain], [0, 0, "/", "example.com"]);
  });
});

describe("localPath (redirect targets from user input)", async () => {
  const { localPath } = await import("../lib/session");
  it("keeps plain local paths", () => {
    assert.equal(localPath("/account?tab=devices"), "/account?tab=devices");
  });
  for (const hostile of ["https://evil.example/", "//evil.example/", "/\\evil.example", "/\t/evil.example/", "/\n/evil", "evil", "", null]) {
    it(`sends ${JSON.stringify(hostile)} home`, () => assert.equal(localPath(hostile), "/"));
  }
});

describe("database location (no libSQL server can run here: the configuration is what is tested)", async () => {
  const { clientConfig } = await import("../lib/db/client");

  it("a file: URL is the embedded database: busy timeout, one connection", () => {
    assert.deepEqual(clientConfig({ url: "file:data/sessions.db" }), {
      url: "file:data/sessions.db",
      timeout: 5000,
      intMode: "number",
      concurrency: 1,
    });
  });

  it("libsql:// and https:// go to a libSQL server with DATABASE_AUTH_TOKEN", () => {
    for (const url of ["libsql://sessions.example.turso.io", "https://db.internal:8080"]) {
      assert.deepEqual(clientConfig({ url, authToken: "t0ken" }), { url, authToken: "t0ken" });
    }
  });

  it("DATABASE_SYNC_URL makes the file an embedded replica of the primary", () => {
    const config = clientConfig({ url: "file:replica.db", syncUrl: "libsql://primary.example", authToken: "t0ken", syncIntervalSeconds: 60 });
    assert.equal(config.url, "file:replica.db");
    assert.equal(config.syncUrl, "libsql://primary.example");
    assert.equal(config.authToken, "t0ken");
    assert.equal(config.syncInterval, 60);
  });

  it("the database reads its own DATABASE_URL, DATABASE_AUTH_TOKEN, DATABASE_SYNC_URL and refuses what cannot work", () => {
    const s = readDatabaseSettings({ DATABASE_URL: "file:r.db", DATABASE_SYNC_URL: "libsql://p.example", DATABASE_AUTH_TOKEN: "x" });
    assert.deepEqual(s, { url: "file:r.db", syncUrl: "libsql://p.example", authToken: "x", syncIntervalSeconds: 60 });
    assert.equal(readDatabaseSettings({}).url, "file:data/sessions.db");
    assert.throws(() => readDatabaseSettings({ DATABASE_URL: "postgres://x" }), /DATABASE_URL/);
    assert.throws(() => readDatabaseSettings({ DATABASE_URL: "libsql://a", DATABASE_SYNC_URL: "libsql://b" }), /DATABASE_SYNC_URL/);
  });
});
