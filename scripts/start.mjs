// `npm start`: builds once if there is no production build, then serves it.
// Migrations and demo data are applied by instrumentation.ts when the server starts.
import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { constants } from "node:os";
import path from "node:path";

process.env.NEXT_TELEMETRY_DISABLED = "1";
const next = path.join("node_modules", "next", "dist", "bin", "next");
const distDir = process.env.NEXT_DIST_DIR || ".next";

if (!existsSync(path.join(distDir, "BUILD_ID"))) {
  console.log("No production build yet: running next build…");
  const build = spawnSync(process.execPath, [next, "build"], { stdio: "inherit" });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

// One process owns the server, so stopping this one stops it.
const server = spawn(process.execPath, [next, "start", "-p", process.env.PORT || "3000"], { stdio: "inherit" });
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
