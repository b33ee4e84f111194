import { accessSync, constants, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { ImproperlyConfigured } from "./errors";
import { parseSecrets, type SecretList } from "./secret";

/**
 * The session's settings under Django's names and defaults, parsed from an
 * environment the app passes in (the library reads none by itself). A bad
 * value throws ImproperlyConfigured naming the variable.
 */
export type SameSite = "Strict" | "Lax" | "None";

export interface SessionSettings {
  /** SESSION_ENGINE: which store the app's composition root builds (it checks the name against its list). */
  engine: string;
  cookieName: string;
  cookieAge: number;
  cookieDomain: string | undefined;
  cookiePath: string;
  cookieSecure: boolean;
  cookieHttpOnly: boolean;
  cookieSameSite: SameSite;
  expireAtBrowserClose: boolean;
  saveEveryRequest: boolean;
  maxBytes: number;
  /** The payload limit of a session with no signed-in user (at most maxBytes). */
  anonymousMaxBytes: number;
  /** New sessions of visitors not signed in, per client address and minute. */
  anonymousNewPerMinute: number;
  /** Bytes of session data visitors not signed in may write, per client address and minute. */
  anonymousBytesPerMinute: number;
  /** Sessions without a signed-in user the store keeps at most; past it the oldest are evicted. */
  anonymousMaxSessions: number;
  /** Seconds after creation when a session ends however active it is; 0 = off. */
  absoluteAge: number;
  /** An active session's expiry (row and cookie) is pushed forward at most once per this many seconds. */
  refreshInterval: number;
  /** Seconds between background sweeps of expired rows (per process). */
  sweepInterval: number;
  /**
   * Proxies in front of the app whose X-Forwarded-For entries are trusted
   * (Werkzeug's ProxyFix `x_for`): 0, the client address is the TCP peer's;
   * n, it is the n-th entry from the right.
   */
  trustedProxies: number;
  /** SESSION_FILE_PATH: the directory of the file engine's sessions (Django's default: the OS temp directory). */
  filePath: string;
  /** SESSION_SECRET: what seals the cookies (a comma-separated list rotates: the first seals); undefined when unset, for the app to supply one. */
  secrets: SecretList | undefined;
}

/** The file engine's directory must exist and be writable at start, not fail the first request that writes. */
function usableDirectory(name: string, dir: string): string {
  try {
    if (!statSync(dir).isDirectory()) throw new Error("not a directory");
    accessSync(dir, constants.R_OK | constants.W_OK | constants.X_OK);
  } catch (error) {
    const reason = (error as { code?: unknown }).code ?? (error as Error).message;
    throw new ImproperlyConfigured(`${name} must be an existing, writable directory, got ${JSON.stringify(dir)} (${String(reason)})`);
  }
  return dir;
}

type Env = Record<string, string | undefined>;

function text(env: Env, name: string, fallback: string): string {
  const value = env[name];
  return value === undefined || value === "" ? fallback : value;
}

function optionalText(env: Env, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value === "" ? undefined : value;
}

function bool(env: Env, name: string, fallback: boolean): boolean {
  const value = env[name];
  if (value === undefined || value === "") return fallback;
  if (/^(true|1|yes|on)$/i.test(value)) return true;
  if (/^(false|0|no|off)$/i.test(value)) return false;
  throw new ImproperlyConfigured(`${name} must be true or false, got ${JSON.stringify(value)}`);
}

function positiveInt(env: Env, name: string, fallback: number): number {
  const value = env[name];
  if (value === undefined || value === "") return fallback;
  if (!/^\d+$/.test(value) || Number(value) <= 0 || !Number.isSafeInteger(Number(value))) {
    throw new ImproperlyConfigured(`${name} must be a positive whole number, got ${JSON.stringify(value)}`);
  }
  return Number(value);
}

function wholeSeconds(env: Env, name: string, fallback: number): number {
  const value = env[name];
  if (value === undefined || value === "") return fallback;
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) {
    throw new ImproperlyConfigured(`${name} must be a whole number of seconds (0 or more), got ${JSON.stringify(value)}`);
  }
  return Number(value);
}

function wholeNumber(env: Env, name: string, fallback: number, max: number): number {
  const value = env[name];
  if (value === undefined || value === "") return fallback;
  if (!/^\d+$/.test(value) || Number(value) > max) {
    throw new ImproperlyConfigured(`${name} must be a whole number from 0 to ${max}, got ${JSON.stringify(value)}`);
  }
  return Number(value);
}

function oneOf<T extends string>(env: Env, name: string, choices: readonly T[], fallback: T): T {
  const value = env[name];
  if (value === undefined || value === "") return fallback;
  const match = choices.find((choice) => choice.toLowerCase() === value.toLowerCase());
  if (!match) {
    throw new ImproperlyConfigured(`${name} must be one of ${choices.join(", ")}, got ${JSON.stringify(value)}`);
  }
  return match;
}

/** The settings an environment gives; `engines` lists the SESSION_ENGINE names the app offers. */
export function readSettings(env: Env, engines: readonly string[] = ["db"]): SessionSettings {
  const settings: SessionSettings = {
    engine: oneOf(env, "SESSION_ENGINE", engines, engines[0]),
    cookieName: text(env, "SESSION_COOKIE_NAME", "sessionid"),
    cookieAge: positiveInt(env, "SESSION_COOKIE_AGE", 1_209_600),
    cookieDomain: optionalText(env, "SESSION_COOKIE_DOMAIN"),
    cookiePath: text(env, "SESSION_COOKIE_PATH", "/"),
    cookieSecure: bool(env, "SESSION_COOKIE_SECURE", false),
    cookieHttpOnly: bool(env, "SESSION_COOKIE_HTTPONLY", true),
    cookieSameSite: oneOf(env, "SESSION_COOKIE_SAMESITE", ["Strict", "Lax", "None"] as const, "Lax"),
    expireAtBrowserClose: bool(env, "SESSION_EXPIRE_AT_BROWSER_CLOSE", false),
    saveEveryRequest: bool(env, "SESSION_SAVE_EVERY_REQUEST", false),
    maxBytes: positiveInt(env, "SESSION_MAX_BYTES", 65_536),
    anonymousMaxBytes: positiveInt(env, "SESSION_ANONYMOUS_MAX_BYTES", 16_384),
    anonymousNewPerMinute: positiveInt(env, "SESSION_ANONYMOUS_NEW_PER_MINUTE", 60),
    anonymousBytesPerMinute: positiveInt(env, "SESSION_ANONYMOUS_BYTES_PER_MINUTE", 262_144),
    anonymousMaxSessions: positiveInt(env, "SESSION_ANONYMOUS_MAX_SESSIONS", 50_000),
    absoluteAge: wholeSeconds(env, "SESSION_ABSOLUTE_AGE", 0),
    refreshInterval: wholeSeconds(env, "SESSION_REFRESH_INTERVAL", 60),
    sweepInterval: positiveInt(env, "SESSION_SWEEP_INTERVAL", 300),
    trustedProxies: wholeNumber(env, "SESSION_TRUSTED_PROXIES", 0, 10),
    filePath: text(env, "SESSION_FILE_PATH", tmpdir()),
    secrets: env.SESSION_SECRET ? parseSecrets(env.SESSION_SECRET) : undefined,
  };
  if (settings.engine === "file") usableDirectory("SESSION_FILE_PATH", settings.filePath);
  // Never above SESSION_MAX_BYTES: a smaller SESSION_MAX_BYTES alone lowers both.
  settings.anonymousMaxBytes = Math.min(settings.anonymousMaxBytes, settings.maxBytes);
  if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(settings.cookieName)) {
    throw new ImproperlyConfigured(`SESSION_COOKIE_NAME is not a valid cookie name: ${JSON.stringify(settings.cookieName)}`);
  }
  if (!settings.cookiePath.startsWith("/")) {
    throw new ImproperlyConfigured(`SESSION_COOKIE_PATH must start with "/", got ${JSON.stringify(settings.cookiePath)}`);
  }
  if (settings.cookieSameSite === "None" && !settings.cookieSecure) {
    throw new ImproperlyConfigured("SESSION_COOKIE_SAMESITE=None needs SESSION_COOKIE_SECURE=true (browsers drop the cookie otherwise)");
  }
  return settings;
}

