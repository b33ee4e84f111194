// Real redis-server processes for the tests (Debian's; `npm test` installs it when root): one
// standalone server, or a three-master Redis Cluster, each on free ports in a throwaway folder.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";

export const REDIS_SERVER = process.env.REDIS_SERVER_PATH || "/usr/bin/redis-server";
const REDIS_CLI = path.join(path.dirname(REDIS_SERVER), "redis-cli");

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function cli(port: number, ...args: string[]): string {
  return spawnSync(REDIS_CLI, ["-p", String(port), ...args], { encoding: "utf8" }).stdout.trim();
}

export interface RedisProcess {
  port: number;
  url: string;
  /** SIGKILL: the server is gone, as in a crash. */
  kill(): Promise<void>;
  /** Starts it again on the same port (empty: nothing was saved). */
  restart(): Promise<void>;
  stop(): Promise<void>;
  /** How many keys it holds (DBSIZE). */
  keyCount(): Promise<number>;
}

async function waitForPing(port: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (cli(port, "PING") === "PONG") return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`redis-server on ${port} did not answer`);
}

async function launch(extra: string[] = [], dir = mkdtempSync(path.join(tmpdir(), "sessions-redis-"))): Promise<RedisProcess> {
  const port = await freePort();
  let child: ChildProcess;
  const start = async () => {
    child = spawn(REDIS_SERVER, ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir, ...extra], { stdio: "ignore" });
    const running = child;
    process.once("exit", () => running.kill("SIGKILL")); // never outlive the test process
    await waitForPing(port);
  };
  const exit = (signal: NodeJS.Signals) =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once("exit", () => resolve());
      child.kill(signal);
    });
  await start();
  const keyCount = async () => Number(cli(port, "DBSIZE"));
  return { port, url: `redis://127.0.0.1:${port}`, kill: () => exit("SIGKILL"), restart: start, stop: () => exit("SIGTERM"), keyCount };
}

export function startRedis(): Promise<RedisProcess> {
  return launch();
}

export interface RedisCluster {
  nodes: RedisProcess[];
  /** host:port of each master, as REDIS_CLUSTER_NODES lists them. */
  addresses: string[];
  stop(): Promise<void>;
}

/** Three masters, slots spread by redis-cli --cluster create, waited on until the cluster is ok. */
export async function startRedisCluster(masters = 3): Promise<RedisCluster> {
  const nodes: RedisProcess[] = [];
  for (let i = 0; i < masters; i++) {
    nodes.push(await launch(["--cluster-enabled", "yes", "--cluster-config-file", `nodes-${i}.conf`, "--cluster-node-timeout", "2000"]));
  }
  const addresses = nodes.map((n) => `127.0.0.1:${n.port}`);
  const created = spawnSync(REDIS_CLI, ["--cluster", "create", ...addresses, "--cluster-replicas", "0", "--cluster-yes"], { encoding: "utf8" });
  if (created.status !== 0) throw new Error(`redis-cli --cluster create failed: ${created.stdout}${created.stderr}`);
  for (let i = 0; i < 400; i++) {
    if (nodes.every((n) => cli(n.port, "CLUSTER", "INFO").includes("cluster_state:ok"))) break;
    await new Promise((r) => setTimeout(r, 25));
  }
  return { nodes, addresses, stop: async () => void (await Promise.all(nodes.map((n) => n.stop()))) };
}
