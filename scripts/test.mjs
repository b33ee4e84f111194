// `npm test`: unit tests, one production build, then the Playwright suite in Chromium, then the example
// app (examples/visit-counter) built on the packed package and run in Chromium; then, when this
// machine runs another Node.js line, the unit tests and the db and cookie projects again on the current LTS.
// Prints each runner's output and, last, the totals of both.
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { CURRENT_LTS, installCurrentLts } from "./node-lts.mjs";

const env = { ...process.env, NEXT_TELEMETRY_DISABLED: "1", PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: "1", NEXT_DIST_DIR: ".next-test" };
const started = Date.now();

/** Debian packages the tests run for real: installed when root, else the one command to run. */
const PACKAGES = [
  { path: env.CHROMIUM_PATH || "/usr/bin/chromium", name: "chromium", why: "Playwright's browser (or set CHROMIUM_PATH)" },
  { path: env.REDIS_SERVER_PATH || "/usr/bin/redis-server", name: "redis-server", why: "the Redis engines' tests (or set REDIS_SERVER_PATH)" },
];

function ensurePackages() {
  const missing = PACKAGES.filter((p) => !existsSync(p.path));
  if (missing.length === 0) return;
  const names = missing.map((p) => p.name).join(" ");
  if (process.getuid?.() !== 0) {
    for (const p of missing) console.error(`No ${p.name} at ${p.path}: ${p.why}.`);
    console.error(`Install with: sudo apt-get install -y ${names}`);
    process.exit(1);
  }
  console.log(`Installing Debian's ${names}…`);
  execFileSync("bash", ["-c", `apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ${names}`], { stdio: "inherit" });
}

/** Runs a command, echoing its output as it comes, and returns [passed, failed] read from its summary. */
async function runCounted(label, command, args, parse, runEnv = env) {
  console.log(`\n=== ${label} ===`);
  const child = spawn(command, args, { env: runEnv, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (chunk) => (process.stdout.write(chunk), (output += chunk)));
  child.stderr.on("data", (chunk) => (process.stderr.write(chunk), (output += chunk)));
  const status = await new Promise((resolve) => child.on("close", resolve));
  const counts = parse(output);
  if (status !== 0 && counts[1] === 0) counts[1] = 1; // crashed before counting: still a failure
  return counts;
}

const number = (text, re) => Number(text.match(re)?.[1] ?? 0);

/** A TCP port nothing listens on now. */
async function freePort() {
  const { createServer } = await import("node:net");
  return new Promise((resolve) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const { port: free } = probe.address();
      probe.close(() => resolve(free));
    });
  });
}

/** A redis-server of the run's own for the `cache` engine's Playwright project, on a free port. */
async function startRedis() {
  const port = await freePort();
  const redisServer = env.REDIS_SERVER_PATH || "/usr/bin/redis-server";
  const child = spawn(redisServer, ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore" });
  process.on("exit", () => child.kill("SIGKILL"));
  await new Promise((r) => setTimeout(r, 300));
  return `redis://127.0.0.1:${port}`;
}

ensurePackages();
const unitFiles = execFileSync("bash", ["-c", "ls test/*.test.ts"], { encoding: "utf8" }).trim().split("\n");

/** The unit tests on `node`. */
function unitTests(node, label) {
  return runCounted(`unit tests on Node.js ${label} (node:test, real libSQL files)`, node, ["--import", "tsx", "--test", "--test-force-exit", "--test-reporter=tap", "--test-concurrency=1", ...unitFiles], (out) => [
    number(out, /^# pass (\d+)/m),
    number(out, /^# fail (\d+)/m),
  ]);
}

/** The Playwright suite against `next start` on `node` (its directory goes first on PATH), for `engines`. */
function e2eTests(node, label, engines) {
  const runEnv = { ...env, PATH: `${path.dirname(node)}${path.delimiter}${env.PATH}`, E2E_DATA_DIR: mkdtempSync(path.join(tmpdir(), "sessions-e2e-")) };
  if (engines) runEnv.E2E_ENGINES = engines;
  return runCounted(`end-to-end tests on Node.js ${label} (Playwright, Chromium, next start${engines ? `; ${engines}` : ""})`, node, ["node_modules/@playwright/test/cli.js", "test"], (out) => [
    number(out, /(\d+) passed/),
    number(out, /(\d+) failed/) + number(out, /(\d+) flaky/),
  ], runEnv);
}

const EXAMPLE_DIR = path.join("examples", "visit-counter");

/**
 * examples/visit-counter on the tarball of lib/session: `npm run package`, the example's own install
 * (its node_modules; the root's lockfile is not touched), its setup and `next build`, then its
 * Playwright spec against `next start` (Playwright starts the server and stops it after).
 */
async function exampleTests() {
  console.log("\n=== example app: pack lib/session, install the tarball, build ===");
  const steps = [
    ["package", process.execPath, ["scripts/package.mjs"], "."],
    ["install", "npm", ["install", "--no-audit", "--no-fund", "--prefer-offline"], EXAMPLE_DIR],
    ["setup", process.execPath, ["scripts/setup.mjs"], EXAMPLE_DIR],
    ["build", process.execPath, ["node_modules/next/dist/bin/next", "build"], EXAMPLE_DIR],
  ];
  // A new tarball has the same name: the installed copy goes, so npm installs this one.
  rmSync(path.join(EXAMPLE_DIR, "node_modules", "next-django-sessions"), { recursive: true, force: true });
  for (const [step, command, args, cwd] of steps) {
    const stepStarted = Date.now();
    const { status } = spawnSync(command, args, { cwd, env, stdio: "inherit" });
    console.log(`example ${step}: ${status === 0 ? "done" : "FAILED"} in ${((Date.now() - stepStarted) / 1000).toFixed(1)} s`);
    if (status !== 0) return [0, 1];
  }
  const runEnv = { ...env, EXAMPLE_PORT: String(await freePort()) };
  return runCounted("example app in Chromium (Playwright, next start)", process.execPath, ["node_modules/@playwright/test/cli.js", "test", "--config", path.join(EXAMPLE_DIR, "playwright.config.ts")], (out) => [
    number(out, /(\d+) passed/),
    number(out, /(\d+) failed/) + number(out, /(\d+) flaky/),
  ], runEnv);
}

const here = process.versions.node;
const results = [];
results.push([`unit (Node ${here})`, await unitTests(process.execPath, here)]);

console.log("\n=== next build (once for the whole run) ===");
const build = spawnSync(process.execPath, ["node_modules/next/dist/bin/next", "build"], { env, stdio: "inherit" });
if (build.status === 0) {
  env.E2E_REDIS_URL ||= await startRedis();
  results.push([`e2e (Node ${here})`, await e2eTests(process.execPath, here)]);
} else results.push([`e2e (Node ${here})`, [0, 1]]);

// The example app on the packed package, as a developer installs it (EXAMPLE=0 skips it, except on CI).
if (env.EXAMPLE !== "0" || env.CI) results.push([`example (Node ${here})`, await exampleTests()]);

// The current LTS too, when this machine's Node is another line: the unit tests and the db and cookie
// projects (SECOND_NODE=0 skips it). It reuses the build: next build's output does not depend on the Node.
if (Number(here.split(".")[0]) !== CURRENT_LTS && env.SECOND_NODE !== "0") {
  const lts = installCurrentLts(path.join(".cache", `node${CURRENT_LTS}`));
  const version = execFileSync(lts, ["--version"], { encoding: "utf8" }).trim().slice(1);
  results.push([`unit (Node ${version})`, await unitTests(lts, version)]);
  results.push([`e2e (Node ${version})`, build.status === 0 ? await e2eTests(lts, version, "db,cookie") : [0, 1]]);
}

const passed = results.reduce((sum, [, counts]) => sum + counts[0], 0);
const failed = results.reduce((sum, [, counts]) => sum + counts[1], 0);
console.log(`\n${results.map(([label, [p, f]]) => `${label}: ${p} passed, ${f} failed`).join("; ")}; ${Math.round((Date.now() - started) / 1000)} s`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
