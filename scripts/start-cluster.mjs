// `npm run start:cluster`: N `next start` processes (Node's cluster module) sharing one port and
// one database file. N = WEB_CONCURRENCY, else one per core. Builds first if needed, like `npm start`.
import cluster from "node:cluster";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";

process.env.NEXT_TELEMETRY_DISABLED = "1";
const next = path.join("node_modules", "next", "dist", "bin", "next");
const distDir = process.env.NEXT_DIST_DIR || ".next";
const workers = Number(process.env.WEB_CONCURRENCY || os.availableParallelism());
const port = process.env.PORT || "3000";

if (!existsSync(path.join(distDir, "BUILD_ID"))) {
  const build = spawnSync(process.execPath, [next, "build"], { stdio: "inherit" });
  if (build.status !== 0) process.exit(build.status ?? 1);
}
// Migrate once here, so the workers do not race each other to create the tables.
const prepare = spawnSync(process.execPath, ["--import", "tsx", "scripts/prepare-db.ts"], { stdio: "inherit" });
if (prepare.status !== 0) process.exit(prepare.status ?? 1);

// The workers listen on one port; the primary hands connections round-robin (the cluster module's default on Linux).
cluster.setupPrimary({ exec: next, args: ["start", "-p", port] });
let stopping = false;
for (let i = 0; i < workers; i++) cluster.fork();
cluster.on("exit", (worker, code, signal) => {
  if (stopping) return;
  console.error(`worker ${worker.process.pid} exited (${signal ?? code}); starting another`);
  cluster.fork();
});
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    stopping = true;
    for (const worker of Object.values(cluster.workers ?? {})) worker?.kill(signal);
    setTimeout(() => process.exit(0), 2000).unref();
  });
}
console.log(`start:cluster: ${workers} server processes on port ${port}`);
