// Real redis-server processes for the tests (Debian's; `npm test` installs it when root): one
// standalone server, or a Redis Cluster (three masters, optionally with replicas), each on free ports in a throwaway folder.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { freePort } from "./free-port";

export const REDIS_SERVER = process.env.REDIS_SERVER_PATH || "/usr/bin/redis-server";
const REDIS_CLI = path.join(path.dirname(REDIS_SERVER), "redis-cli");

function cli(port: number, ...args: string[]): string {
  // The timeout: a node that hangs fails the wait, never the whole test run.
  return spawnSync(REDIS_CLI, ["-p", String(port), ...args], { encoding: "utf8", timeout: 5000 }).stdout.trim();
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
  // A cluster node's bus listens on a port of its own: by default port + 10000, which another
  // process may hold (it failed a test run once); a second free port instead.
  if (extra.includes("--cluster-enabled")) extra = [...extra, "--cluster-port", String(await freePort())];
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
  /** Every node, masters and replicas, in launch order. */
  nodes: RedisProcess[];
  /** host:port of every node, as REDIS_CLUSTER_NODES lists them (any one is enough to discover the rest). */
  addresses: string[];
  /** The master serving `key`'s slot now, as a live node sees the cluster (CLUSTER KEYSLOT, CLUSTER NODES). */
  masterOf(key: string): RedisProcess;
  /** The replicas of `master`, as a live node sees the cluster. */
  replicasOf(master: RedisProcess): RedisProcess[];
  stop(): Promise<void>;
}

/** One line of CLUSTER NODES: `id host:port@bus flags master-id ping pong epoch link slots…`. */
interface NodeLine {
  id: string;
  port: number;
  flags: string[];
  masterId: string;
  slots: [from: number, to: number][];
}

function clusterNodes(port: number): NodeLine[] {
  return cli(port, "CLUSTER", "NODES")
    .split("\n")
    .filter(Boolean)
    .map((line) => {
      const [id, address, flags, masterId, , , , , ...slots] = line.split(" ");
      return {
        id,
        port: Number(address.split("@")[0].split(":").pop()),
        flags: flags.split(","),
        masterId,
        // Importing/migrating entries ([slot->-id]) are not ownership.
        slots: slots
          .filter((s) => !s.startsWith("["))
          .map((s): [number, number] => {
            const [from, to = from] = s.split("-").map(Number);
            return [from, to];
          }),
      };
    });
}

const failing = (line: NodeLine) => line.flags.includes("fail") || line.flags.includes("fail?");

/**
 * Whether every node sees the whole cluster as made: state ok, `masters` healthy masters with slots,
 * `masters × replicas` replicas, and every replica's link up with its master listing it online (a
 * replica not yet in sync could not take over without losing writes).
 */
function settled(nodes: RedisProcess[], masters: number, replicas: number): boolean {
  return nodes.every((node) => {
    if (!cli(node.port, "CLUSTER", "INFO").includes("cluster_state:ok")) return false;
    const view = clusterNodes(node.port);
    if (view.some(failing)) return false;
    if (view.filter((l) => l.flags.includes("master") && l.slots.length > 0).length !== masters) return false;
    if (view.filter((l) => l.flags.includes("slave")).length !== masters * replicas) return false;
    const replication = cli(node.port, "INFO", "replication");
    if (replication.includes("role:slave")) return replication.includes("master_link_status:up") && replication.includes("master_sync_in_progress:0");
    return (replication.match(/^slave\d+:.*state=online/gm) ?? []).length === (view.find((l) => l.flags.includes("myself"))!.slots.length > 0 ? replicas : 0);
  });
}

/**
 * A Redis Cluster: `masters` masters, slots spread by redis-cli --cluster create, each with
 * `replicasPerMaster` replicas; waited on until every node agrees it is ok and every replica is in sync.
 */
export async function startRedisCluster(masters = 3, replicasPerMaster = 0): Promise<RedisCluster> {
  const nodes: RedisProcess[] = [];
  for (let i = 0; i < masters * (1 + replicasPerMaster); i++) {
    nodes.push(await launch(["--cluster-enabled", "yes", "--cluster-config-file", `nodes-${i}.conf`, "--cluster-node-timeout", "2000"]));
  }
  const addresses = nodes.map((n) => `127.0.0.1:${n.port}`);
  const args = ["--cluster", "create", ...addresses, "--cluster-replicas", String(replicasPerMaster), "--cluster-yes"];
  const created = spawnSync(REDIS_CLI, args, { encoding: "utf8" });
  if (created.status !== 0) throw new Error(`redis-cli --cluster create failed: ${created.stdout}${created.stderr}`);
  for (let waited = 0; !settled(nodes, masters, replicasPerMaster); waited += 50) {
    if (waited > 30_000) throw new Error(`the Redis Cluster did not settle:\n${nodes.map((n) => cli(n.port, "CLUSTER", "NODES")).join("\n---\n")}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const byPort = (port: number) => nodes.find((n) => n.port === port);
  /** Some node that answers: the cluster's view, from a survivor when one was killed. */
  const live = () => {
    const node = nodes.find((n) => cli(n.port, "PING") === "PONG");
    if (!node) throw new Error("no node of the Redis Cluster answers");
    return node;
  };
  const masterOf = (key: string) => {
    const asked = live().port;
    const slot = Number(cli(asked, "CLUSTER", "KEYSLOT", key));
    const owner = clusterNodes(asked).find((l) => l.flags.includes("master") && !failing(l) && l.slots.some(([from, to]) => from <= slot && slot <= to));
    const node = owner && byPort(owner.port);
    if (!node) throw new Error(`no master serves slot ${slot}`);
    return node;
  };
  const replicasOf = (master: RedisProcess) => {
    const view = clusterNodes(live().port);
    const id = view.find((l) => l.port === master.port)?.id;
    return view.filter((l) => l.flags.includes("slave") && l.masterId === id).flatMap((l) => byPort(l.port) ?? []);
  };
  return { nodes, addresses, masterOf, replicasOf, stop: async () => void (await Promise.all(nodes.map((n) => n.stop()))) };
}
