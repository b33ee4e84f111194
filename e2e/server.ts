// A `next start` of the test build that a spec owns: its own port, database and logs.
import { spawn } from "node:child_process";
import { request as httpRequest } from "node:http";
import { mkdtempSync } from "node:fs";
import path from "node:path";
import { freePort } from "../test/free-port";
import { COOKIE_NAME, DATA_DIR, SHARED_ADDRESS_BUDGET, TEST_SECRET } from "./env";

export interface TestServer {
  baseURL: string;
  /** The process spawned: `next start` itself, or the script that starts it. */
  pid: number;
  dbFile: string;
  /** Everything the server printed so far, a line each. */
  logs: string[];
  stop(): Promise<void>;
}

interface ServerOptions {
  /** Environment on top of the defaults; a variable set to undefined is removed. */
  env?: Record<string, string | undefined>;
  dbFile?: string;
  /** Start through this script (`scripts/start.mjs`, told its port by PORT) instead of `next start`, with `nodeArgs` given to node before it. */
  script?: string;
  nodeArgs?: string[];
}

async function spawnServer(options: ServerOptions) {
  const port = await freePort();
  const dbFile = options.dbFile ?? path.join(mkdtempSync(path.join(DATA_DIR, "server-")), "sessions.db");
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NEXT_TELEMETRY_DISABLED: "1",
    DATABASE_URL: `file:${dbFile}`,
    SESSION_SECRET: TEST_SECRET,
    SESSION_ENGINE: "db",
    SESSION_COOKIE_NAME: COOKIE_NAME,
    PORT: String(port),
    ...SHARED_ADDRESS_BUDGET,
    ...options.env,
  };
  for (const [name, value] of Object.entries(env)) if (value === undefined) delete env[name];
  const command = options.script ? [...(options.nodeArgs ?? []), options.script] : ["node_modules/next/dist/bin/next", "start", "-p", String(port)];
  const child = spawn(process.execPath, command, {
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const logs: string[] = [];
  const collect = (chunk: Buffer) => logs.push(...chunk.toString().split("\n").filter(Boolean));
  child.stdout.on("data", collect);
  child.stderr.on("data", collect);
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { port, dbFile, child, logs, exited };
}

/** Starts a server that should refuse to start: its exit code and what it printed. */
export async function serverExit(options: ServerOptions, timeoutMs = 30_000): Promise<{ code: number | null; logs: string[] }> {
  const { child, logs, exited } = await spawnServer(options);
  const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
  const code = await exited;
  clearTimeout(timer);
  return { code, logs };
}

export async function startServer(options: ServerOptions = {}): Promise<TestServer> {
  const { port, dbFile, child, logs, exited } = await spawnServer(options);
  const baseURL = `http://localhost:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited:\n${logs.join("\n")}`);
    try {
      await fetch(`${baseURL}/`); // the PC builder reads no storage without a cookie
      break;
    } catch {
      if (Date.now() > deadline) throw new Error(`server did not start:\n${logs.join("\n")}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  return {
    baseURL,
    pid: child.pid!,
    dbFile,
    logs,
    stop: async () => {
      child.kill("SIGTERM");
      await exited;
    },
  };
}

/** Runs `task` for 0..count-1 with at most `concurrency` at once. */
export async function pool<T>(count: number, concurrency: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const i = next++;
        results[i] = await task(i);
      }
    }),
  );
  return results;
}

/** A STRESS=1 run (`npm run test:stress`) multiplies the bounded counts of `npm test`. */
export const SCALE = process.env.STRESS ? 10 : 1;

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * One HTTP request through node:http, which (unlike fetch) sends any header
 * bytes a hostile client could: latin-1, repeated cookies, 8 KB values.
 */
export function rawRequest(url: string, options: { method?: string; headers?: Record<string, string>; body?: Buffer } = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: options.method ?? "GET", headers: options.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(options.body);
  });
}

/** What a page of `baseURL` sends with a fetch that changes the session: its Origin, and JSON. */
export function sameOriginJson(baseURL: string): Record<string, string> {
  return { origin: baseURL, "content-type": "application/json" };
}
