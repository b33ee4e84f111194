// `npm start`: builds when there is no production build or the sources changed since it, then serves it.
// Migrations and demo data are applied by instrumentation.ts when the server starts.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { constants } from "node:os";
import path from "node:path";
import { endOfLifeWarning } from "./node-lts.mjs";

process.env.NEXT_TELEMETRY_DISABLED = "1";
const outdated = endOfLifeWarning();
if (outdated) console.warn(`[start] ${outdated}`);
const next = path.join("node_modules", "next", "dist", "bin", "next");
const distDir = process.env.NEXT_DIST_DIR || ".next";

/** What the build is made from: a change to any of these makes the build stale. */
const SOURCES = ["app", "lib", "types", "proxy.ts", "instrumentation.ts", "next.config.ts", "tsconfig.json", "package.json", "package-lock.json"];

/** The newest modification time among the sources (folders walked, their own times too: a deleted file counts), in ms. */
function newestSource(entries) {
  let newest = 0;
  for (const entry of entries) {
    if (!existsSync(entry)) continue;
    const stat = statSync(entry);
    newest = Math.max(newest, stat.mtimeMs, stat.isDirectory() ? newestSource(readdirSync(entry).map((name) => path.join(entry, name))) : 0);
  }
  return newest;
}

const buildId = path.join(distDir, "BUILD_ID");
const stale = !existsSync(buildId) || newestSource(SOURCES) > statSync(buildId).mtimeMs;
if (stale) {
  console.log(existsSync(buildId) ? "The sources changed since the last build: running next build…" : "No production build yet: running next build…");
  const build = spawnSync(process.execPath, [next, "build"], { stdio: "inherit" });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

/**
 * Node's own options given to this script (`node --max-semi-space-size=8 scripts/start.mjs`) are
 * the server's too, as the cluster's workers get theirs (V8 reads heap sizes only as a process
 * starts). An inspector option, here or in NODE_OPTIONS (which the server inherits), moves the
 * server's inspector to the next port (past 65535, back to 1024), as the cluster does.
 */
function serverNodeOptions() {
  const inspector = /(^|\s)--(inspect(-brk|-wait|-port)?|debug-port)(=|\s|$)/;
  if (![...process.execArgv, process.env.NODE_OPTIONS ?? ""].some((options) => inspector.test(options))) return process.execArgv;
  const port = process.debugPort + 1;
  return [...process.execArgv, `--inspect-port=${port > 65535 ? port - 65535 + 1023 : port}`];
}

// One process owns the server, so stopping this one stops it.
const server = spawn(process.execPath, [...serverNodeOptions(), next, "start", "-p", process.env.PORT || "3000"], { stdio: "inherit" });
let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    stopping = true;
    server.kill(signal);
  });
}
// A server killed by a signal (SIGBUS from a storage fault, SIGKILL from the OOM killer) is a
// failure a supervisor must see: exit as a shell does, 128 + the signal's number, and say so.
server.on("exit", (code, signal) => {
  if (signal && !stopping) console.error(`[start] the server died by ${signal}`);
  process.exit(code ?? 128 + (constants.signals[signal] ?? 0));
});
