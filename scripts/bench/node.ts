// Which Node.js runs the servers: the one running the bench, or `--node=<path>` (BENCH_NODE),
// or `--node=lts` for the current LTS from the npm registry (into .cache/, as npm test does).
import { execFileSync } from "node:child_process";
import { CURRENT_LTS, installCurrentLts } from "../node-lts.mjs";

function chosen(): string {
  const option = process.argv.find((arg) => arg.startsWith("--node="))?.slice("--node=".length) ?? process.env.BENCH_NODE;
  if (!option) return process.execPath;
  return option === "lts" ? installCurrentLts(".cache/node-lts") : option;
}

/** The Node.js binary the servers are started on. */
export const SERVER_NODE = chosen();

/** Its version, e.g. "v24.22.3". */
export const SERVER_NODE_VERSION = execFileSync(SERVER_NODE, ["--version"]).toString().trim();

/** Whether the servers run on the current LTS line or newer (the goals differ: issue 22). */
export const onCurrentLts = Number(SERVER_NODE_VERSION.slice(1).split(".")[0]) >= CURRENT_LTS;
