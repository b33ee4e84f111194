// Shared by playwright.config.ts and the specs: where the throwaway servers live.
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
export const TEST_SECRET = "e2e-test-secret-not-for-production-0123456789";
/** The session cookie's name, as the servers under test are told (SESSION_COOKIE_NAME, Django's default otherwise). */
export const COOKIE_NAME = process.env.SESSION_COOKIE_NAME || "sessionid";

/** One throwaway folder per test run (made once, inherited by the workers). */
process.env.E2E_DATA_DIR ||= mkdtempSync(path.join(tmpdir(), "sessions-e2e-"));
export const DATA_DIR = process.env.E2E_DATA_DIR;

/** Servers listen from E2E_PORT_BASE up (default 3201), so parallel runs can keep apart. */
const PORT_BASE = Number(process.env.E2E_PORT_BASE || 3201);

/** The Redis the `cache` engine's server uses (npm test starts one and sets it). */
export const REDIS_URL = process.env.E2E_REDIS_URL;

/**
 * Every test client comes from 127.0.0.1: the servers shared by the specs let one address make
 * many anonymous sessions (e2e/budget.spec.ts runs its own server with the budget it tests).
 */
export const SHARED_ADDRESS_BUDGET = {
  SESSION_ANONYMOUS_NEW_PER_MINUTE: "1000000",
  SESSION_ANONYMOUS_BYTES_PER_MINUTE: "10000000000",
} as const;

/** The `file` engine's server keeps its sessions here (it must exist at start). */
const FILE_SESSIONS_DIR = path.join(DATA_DIR, "file-sessions");
mkdirSync(FILE_SESSIONS_DIR, { recursive: true });

const ALL_SERVERS = {
  db: { port: PORT_BASE, env: { SESSION_ENGINE: "db", ...SHARED_ADDRESS_BUDGET } },
  cookie: { port: PORT_BASE + 1, env: { SESSION_ENGINE: "cookie", ...SHARED_ADDRESS_BUDGET } },
  cache: { port: PORT_BASE + 2, env: { SESSION_ENGINE: "cache", REDIS_URL: REDIS_URL ?? "", ...SHARED_ADDRESS_BUDGET } },
  file: { port: PORT_BASE + 3, env: { SESSION_ENGINE: "file", SESSION_FILE_PATH: FILE_SESSIONS_DIR, ...SHARED_ADDRESS_BUDGET } },
} as const;

export type EngineName = keyof typeof ALL_SERVERS;

/** Engines whose sessions live on the server: a copied cookie can be revoked, devices listed. */
export function isServerSide(engine: EngineName): boolean {
  return engine !== "cookie";
}

/** The engines to test, one server each (E2E_ENGINES=db,cookie,cache; cache when npm test started a Redis). */
const ENGINES = (process.env.E2E_ENGINES || (REDIS_URL ? "db,cookie,cache" : "db,cookie")).split(",") as EngineName[];
export const SERVERS: Partial<typeof ALL_SERVERS> = Object.fromEntries(ENGINES.map((e) => [e, ALL_SERVERS[e]]));

export function databaseFile(engine: EngineName): string {
  return path.join(DATA_DIR, `${engine}.db`);
}
