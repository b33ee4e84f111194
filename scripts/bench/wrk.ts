// The load generator: wrk (C, Debian's), so the client is not what limits or flattens a figure.
// One run of it on one URL, its summary read from the line wrk-report.lua prints.
import { execFile, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";

const WRK = "/usr/bin/wrk";
const INSTALL = "apt-get install -y wrk";
/** What Chromium sends. */
const BROWSER_ACCEPT_ENCODING = "gzip, deflate, br, zstd";
const REPORT_SCRIPT = path.resolve("scripts", "bench", "wrk-report.lua");

export interface Load {
  url: string;
  headers?: Record<string, string>;
}

/** How wrk treats connections: `keep-alive` reuses them; `close` sends `Connection: close`, so every request opens one. */
export type ConnectionMode = "keep-alive" | "close";

export interface WrkResult {
  requests: number;
  seconds: number;
  p50Ms: number;
  p99Ms: number;
}

/** Whether wrk is here: installs Debian's when root (as for Django), else says the one command. */
export function wrkReady(): boolean {
  if (existsSync(WRK)) return true;
  if (process.getuid?.() !== 0) {
    console.log(`wrk is not installed: run \`sudo ${INSTALL}\` for the HTTP figures.`);
    return false;
  }
  console.log(`installing wrk (${INSTALL})…`);
  spawnSync("apt-get", ["install", "-y", "wrk"], { stdio: "ignore", env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
  return existsSync(WRK);
}

/** wrk's version line, for the report. */
export function wrkVersion(): string {
  const out = spawnSync(WRK, ["-v"]).stdout?.toString() ?? "";
  return /^wrk (\S+)/.exec(out)?.[1] ?? "unknown";
}

/** One wrk run of `seconds` with `connections` over 2 threads; any error, or any answer but a 2xx, fails it. */
export async function runWrk(load: Load, seconds: number, mode: ConnectionMode, connections = 10): Promise<WrkResult> {
  // A browser's Accept-Encoding, to both servers: a server that compressed its pages would pay for it here.
  const headers = Object.entries({ "accept-encoding": BROWSER_ACCEPT_ENCODING, ...load.headers, ...(mode === "close" ? { connection: "close" } : {}) });
  const args = ["-t2", `-c${connections}`, `-d${seconds}s`, "--timeout", "10s", "-s", REPORT_SCRIPT];
  for (const [name, value] of headers) args.push("-H", `${name}: ${value}`);
  const { stdout } = await promisify(execFile)(WRK, [...args, load.url]);
  const line = stdout.split("\n").find((l) => l.startsWith("WRK_JSON "));
  if (!line) throw new Error(`wrk printed no summary for ${load.url}: ${stdout}`);
  const r = JSON.parse(line.slice("WRK_JSON ".length)) as Record<string, number>;
  const errors = r.connect + r.read + r.write + r.timeout;
  if (errors || r.status || r.redirects) throw new Error(`${load.url} (${mode}): ${r.status} error statuses, ${r.redirects} redirects, ${errors} socket errors or timeouts`);
  return { requests: r.requests, seconds: r.durationUs / 1e6, p50Ms: r.p50Us / 1000, p99Ms: r.p99Us / 1000 };
}
