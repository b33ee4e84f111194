// Shared by playwright.config.ts and the specs: where the throwaway servers live.
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { ENGINE_NAMES, ENGINES, engineNamed } from "../lib/engines";

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

/** What a server on `engine` is told beside SESSION_ENGINE: the resources it needs (lib/engines.ts), under `dataDir`. */
export function engineEnv(engine: string, redisUrl: string | undefined, dataDir = DATA_DIR): Record<string, string> {
  const { needs } = engineNamed(engine);
  const env: Record<string, string> = { SESSION_ENGINE: engine };
  if (needs.includes("redis")) env.REDIS_URL = redisUrl ?? "";
  if (needs.includes("directory")) {
    env.SESSION_FILE_PATH = path.join(dataDir, `${engine}-sessions`);
    mkdirSync(env.SESSION_FILE_PATH, { recursive: true });
  }
  return env;
}

export type EngineName = string;

/**
 * The engines with a project by default: every engine of the registry whose resources are here
 * (Redis when npm test started one), but cached_db, whose pages are db's behind a cache: the unit
 * and contract suites run it on both Redis topologies, and e2e/policies.spec.ts runs its policies.
 */
const DEFAULT_ENGINES = ENGINES.filter((e) => e.name !== "cached_db" && (REDIS_URL || !e.needs.includes("redis"))).map((e) => e.name);

/** The engines to test, one server each (E2E_ENGINES=db,cookie,… to choose). */
const SELECTED = process.env.E2E_ENGINES ? process.env.E2E_ENGINES.split(",") : DEFAULT_ENGINES;

/** One server per selected engine, on ports from PORT_BASE in the registry's order (a port per engine, whatever is selected). */
export const SERVERS: Record<EngineName, { port: number; env: Record<string, string> }> = Object.fromEntries(
  SELECTED.map((name) => [name, { port: PORT_BASE + ENGINE_NAMES.indexOf(name), env: { ...engineEnv(name, REDIS_URL), ...SHARED_ADDRESS_BUDGET } }]),
);

/** Engines whose sessions live on the server: a copied cookie can be revoked, devices listed. */
export function isServerSide(engine: EngineName): boolean {
  return engineNamed(engine).serverSide;
}

export function databaseFile(engine: EngineName): string {
  return path.join(DATA_DIR, `${engine}.db`);
}
