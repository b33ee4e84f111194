// Which Node.js runs the servers. `--node=<path>` (or BENCH_NODE) one binary; `--node=lts` the
// current LTS from the npm registry (into .cache/, as npm test does); `--node=both` the bench's own
// Node and the current LTS, each in turn (a full run's default: issue 22's goals differ by Node).
import { execFileSync } from "node:child_process";
import { CURRENT_LTS, installCurrentLts } from "../node-lts.mjs";

export interface ServerNode {
  /** The binary the servers are started with. */
  path: string;
  /** e.g. "v24.22.3". */
  version: string;
  /** e.g. 24. */
  major: number;
  /** Whether it is the current LTS line or newer (the goals differ: issue 22). */
  onCurrentLts: boolean;
}

function describe(path: string): ServerNode {
  const version = execFileSync(path, ["--version"]).toString().trim();
  const major = Number(version.slice(1).split(".")[0]);
  return { path, version, major, onCurrentLts: major >= CURRENT_LTS };
}

const option = process.argv.find((arg) => arg.startsWith("--node="))?.slice("--node=".length) ?? process.env.BENCH_NODE;

/**
 * The Nodes the per-Node phases (django, sessions) run on, in order. `fullRun`: no option given
 * means both lines, so one run states every goal; otherwise the bench's own Node only.
 */
export function serverNodes(fullRun: boolean): ServerNode[] {
  const ownNode = describe(process.execPath);
  const lts = () => describe(installCurrentLts(".cache/node-lts"));
  if (option === "both" || (!option && fullRun)) return ownNode.onCurrentLts ? [ownNode] : [ownNode, lts()];
  if (option === "lts") return [lts()];
  return [option ? describe(option) : ownNode];
}

let current: ServerNode | undefined;

/** The Node the servers start on now: the first of `serverNodes` until a phase switches it. */
export function serverNode(): ServerNode {
  if (!current) throw new Error("no server Node chosen yet (switchServerNode)");
  return current;
}

export function switchServerNode(node: ServerNode): void {
  current = node;
}

/** A figure's name on the Node it was measured on: "session-share, Node 24". */
export function onNode(name: string): string {
  return `${name}, Node ${serverNode().major}`;
}
