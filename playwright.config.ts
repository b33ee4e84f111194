import { defineConfig } from "@playwright/test";
import { CHROMIUM_PATH, COOKIE_NAME, databaseFile, SERVERS, TEST_SECRET, type EngineName } from "./e2e/env";

const engines = Object.keys(SERVERS) as EngineName[];

// Expects a production build in NEXT_DIST_DIR (scripts/test.mjs builds it once per run).
export default defineConfig({
  testDir: "e2e",
  timeout: 30_000,
  expect: { timeout: 10_000 },
  retries: 0,
  workers: 2,
  reporter: [["list"]],
  use: {
    launchOptions: {
      executablePath: CHROMIUM_PATH,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
  projects: engines.map((engine) => ({
    name: engine,
    use: { baseURL: `http://localhost:${SERVERS[engine]!.port}` },
  })),
  webServer: engines.map((engine) => ({
    command: `node node_modules/next/dist/bin/next start -p ${SERVERS[engine]!.port}`,
    url: `http://localhost:${SERVERS[engine]!.port}/`, // read-only page: readiness checks store nothing
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: "ignore",
    stderr: "pipe",
    env: {
      ...SERVERS[engine]!.env,
      NEXT_TELEMETRY_DISABLED: "1",
      NEXT_DIST_DIR: process.env.NEXT_DIST_DIR || ".next",
      DATABASE_URL: `file:${databaseFile(engine)}`,
      SESSION_SECRET: TEST_SECRET,
      SESSION_COOKIE_NAME: COOKIE_NAME,
    },
  })),
});
