// Our /library on the machine's Node against the same build on the current LTS, side by side in
// one run: how much the Node line changes the CPU per request, without the drift between phases
// run minutes apart (Django's unchanged code read 4.39 and then 5.21 ms across two phases).
import { fmt, note, report, skip } from "./figures";
import { sessionCookie } from "./http";
import { serverNode, switchServerNode, type ServerNode } from "./node";
import { alternateRounds, type Round, type RoundPlan, type Target } from "./rounds";
import { ensureBuild, startServer, withServers, type Server } from "./servers";
import { tempDbFile } from "./store";
import { cpuAdvantage, describeSide, fmtSpread } from "./summary";

const LABEL = "node-lines /library";

/** A server of our build on `node`, on its own port and database. */
function startOn(node: ServerNode, port: number): () => Promise<Server> {
  return () => {
    switchServerNode(node);
    return startServer(port, tempDbFile(`node-${node.major}-${port}`));
  };
}

/**
 * One pass: a server on each Node, started in `order` (the first started of two identical
 * servers has read 0.70–0.82 × the other: docs/DESIGN.md), measured side by side.
 * Returns the rounds in `nodes` order.
 */
async function pass(nodes: [ServerNode, ServerNode], newerFirst: boolean, plan: RoundPlan): Promise<[Round[], Round[]]> {
  const order = newerFirst ? [nodes[1], nodes[0]] : nodes;
  return withServers([startOn(order[0], 4141), startOn(order[1], 4142)], async (started) => {
    const servers = newerFirst ? [started[1], started[0]] : started;
    const targets: Target[] = [];
    for (const [i, server] of servers.entries()) {
      targets.push({ name: `Node ${nodes[i].major}`, url: `${server.url}/library`, headers: { cookie: await sessionCookie(server.url) }, pid: server.pid, countsVisits: true });
    }
    const [older, newer] = await alternateRounds(`${LABEL} (${plan.mode}), Node ${order[0].major} started first`, targets, plan);
    return [older, newer];
  });
}

export async function nodeFigures(nodes: ServerNode[], plan: RoundPlan): Promise<void> {
  if (nodes.length < 2) {
    skip("the nodes phase: one server Node chosen (add --node=both)");
    return;
  }
  ensureBuild();
  const pair: [ServerNode, ServerNode] = [nodes[0], nodes[1]];
  const before = serverNode();
  try {
    const [a, b] = [await pass(pair, false, plan), await pass(pair, true, plan)];
    const [onOlder, onNewer] = [[...a[0], ...b[0]], [...a[1], ...b[1]]];
    const advantage = cpuAdvantage(onNewer, onOlder);
    report({
      name: `${LABEL} (${plan.mode})`,
      value: `${fmtSpread(advantage)} (Node ${pair[0].major}'s CPU/request ÷ Node ${pair[1].major}'s, both start orders: ${fmt((1 - 1 / advantage.median) * 100)} % less on Node ${pair[1].major})`,
      goal: "(the same build, side by side)",
    });
    for (const [i, rounds] of [onOlder, onNewer].entries()) note(`${LABEL} (${plan.mode}), Node ${pair[i].version}: ${describeSide(rounds)}.`);
  } finally {
    switchServerNode(before);
  }
}
