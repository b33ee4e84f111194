// Production servers for the benchmark: one `next start`, or `npm run start:cluster`, on the
// Node.js that node.ts chose (the bench's own unless `--node=`).
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, readdirSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { serverNode } from "./node";

export const DIST_DIR = ".next-bench";
export const BENCH_SECRET = "benchmark-secret-not-for-production-0123456789";
/** The session cookie's name, as the servers are told (SESSION_COOKIE_NAME, Django's default otherwise). */
export const COOKIE_NAME = process.env.SESSION_COOKIE_NAME || "sessionid";

function newestSource(dir: string): number {
  // A folder's own time too: a file deleted, and nothing else changed, makes the build stale.
  let newest = statSync(dir).mtimeMs;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(full) : statSync(full).mtimeMs);
  }
  return newest;
}

/** A Next.js app with nothing of ours (scripts/bench/bare-next): the floor a Next 16 server costs. */
const BARE_APP = path.join("scripts", "bench", "bare-next");

/** Written after a build succeeds (Next writes BUILD_ID before prerendering, so a failed build leaves one too). */
const BUILT_STAMP = "bench-built";
/** A change of Next (or of any dependency) makes every build stale. */
const DEPENDENCIES = "package-lock.json";

/** Builds `app` (".": ours) into its DIST_DIR unless a build newer than `sources` and the lockfile is there. */
function buildIfStale(app: string, sources: number): void {
  const stamp = path.join(app, DIST_DIR, BUILT_STAMP);
  if (existsSync(stamp) && statSync(stamp).mtimeMs > Math.max(sources, statSync(DEPENDENCIES).mtimeMs)) return;
  console.log(`building ${app === "." ? "the app" : app} (next build)…`);
  const build = spawnSync(process.execPath, ["node_modules/next/dist/bin/next", "build", app], {
    env: { ...process.env, NEXT_DIST_DIR: DIST_DIR, NEXT_TELEMETRY_DISABLED: "1" },
    stdio: ["ignore", "ignore", "inherit"],
  });
  if (build.status !== 0) throw new Error(`next build of ${app} failed`);
  writeFileSync(stamp, new Date().toISOString());
}

const modified = (file: string) => statSync(file).mtimeMs;

/** Our build, unless up to date. */
export function ensureBuild(): void {
  buildIfStale(".", Math.max(newestSource("app"), newestSource("lib"), ...["proxy.ts", "instrumentation.ts", "next.config.ts"].map(modified)));
}

/** The bare app's build (scripts/bench/bare-next), unless up to date. */
export function ensureBareBuild(): void {
  buildIfStale(BARE_APP, Math.max(newestSource(path.join(BARE_APP, "app")), modified(path.join(BARE_APP, "next.config.mjs"))));
}

/** What every `next start` of the bench (ours or the bare app) runs with. */
const NEXT_START_ENV = { ...process.env, NODE_ENV: "production" as const, NEXT_TELEMETRY_DISABLED: "1", NEXT_DIST_DIR: DIST_DIR };

export interface Server {
  url: string;
  /** The server's own process (the cluster's primary): its tree's CPU time and memory are the server's. */
  pid: number;
  stop(): Promise<void>;
}

async function waitUntilUp(url: string, child: ChildProcess, page = "/bench/library"): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    try {
      if ((await fetch(url + page)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`server at ${url} did not start`);
}

/**
 * `processes` 1: `next start`; more: start:cluster with that many workers. `env` adds to (or
 * overrides) the server's environment: SESSION_ENGINE, REDIS_URL. `cwd`: another checkout's build.
 */
export async function startServer(port: number, dbFile: string, processes = 1, env: Record<string, string> = {}, cwd?: string): Promise<Server> {
  const args = processes === 1 ? ["node_modules/next/dist/bin/next", "start", "-p", String(port)] : ["scripts/start-cluster.mjs"];
  const child = spawn(serverNode().path, args, {
    cwd,
    env: {
      ...NEXT_START_ENV,
      DATABASE_URL: `file:${dbFile}`,
      SESSION_SECRET: BENCH_SECRET,
      SESSION_COOKIE_NAME: COOKIE_NAME,
      PORT: String(port),
      WEB_CONCURRENCY: String(processes),
      // wrk is one client address making 10,000–27,000 visits a minute; the per-client budget of
      // anonymous data (31 bytes an increment, 256 KiB a minute: 8,456 counted visits) would refuse
      // most of them, and a refused visit is a different page's work. Every visit counted, as Django's.
      SESSION_ANONYMOUS_BYTES_PER_MINUTE: String(2 ** 30),
      ...env,
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
  return running(child, port);
}

/** `next start` of the bare app (scripts/bench/bare-next), on the same Node as ours; its page of 40 items is at `/` and, one route segment down, at `/library`. */
export async function startBareNext(port: number): Promise<Server> {
  const args = ["node_modules/next/dist/bin/next", "start", BARE_APP, "-p", String(port)];
  const child = spawn(serverNode().path, args, { env: NEXT_START_ENV, stdio: ["ignore", "ignore", "inherit"] });
  return running(child, port, "/");
}

async function running(child: ChildProcess, port: number, page?: string): Promise<Server> {
  const url = `http://localhost:${port}`;
  await waitUntilUp(url, child, page);
  return {
    url,
    pid: child.pid!,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

/** Starts the servers in turn and runs `work` with them; every one that started is stopped, whatever fails. */
export async function withServers<T>(starts: (() => Promise<Server>)[], work: (servers: Server[]) => Promise<T>): Promise<T> {
  const started: Server[] = [];
  try {
    for (const start of starts) started.push(await start());
    return await work(started);
  } finally {
    await Promise.all(started.map((server) => server.stop()));
  }
}
