// Our /library on the machine's Node against the same build on the current LTS, side by side in
// one run: how much the Node line changes the CPU per request, without the drift between phases
// run minutes apart (Django's unchanged code read 4.39 and then 5.21 ms across two phases).
import { fmt, note, report } from "./figures";
import { sessionCookie } from "./http";
import { switchServerNode, type ServerNode } from "./node";
import { alternateRounds, type RoundPlan, type Target } from "./rounds";
import { ensureBuild, startServer, type Server } from "./servers";
import { tempDbFile } from "./store";
import { cpuAdvantage, describeSide, fmtSpread } from "./summary";

/** One server per Node, started in turn on its own port and database. */
async function serverOn(node: ServerNode, port: number): Promise<Server> {
  switchServerNode(node);
  return startServer(port, tempDbFile(`node-${node.major}`));
}

export async function nodeFigures(nodes: ServerNode[], plan: RoundPlan): Promise<void> {
  if (nodes.length < 2) return;
  ensureBuild();
  const [older, newer] = nodes;
  const servers = [await serverOn(older, 4141), await serverOn(newer, 4142)];
  try {
    const targets: Target[] = await Promise.all(
      servers.map(async (server, i) => ({ name: `Node ${nodes[i].major}`, url: `${server.url}/library`, headers: { cookie: await sessionCookie(server.url) }, pid: server.pid, countsVisits: true })),
    );
    const [onOlder, onNewer] = await alternateRounds(`node-lines /library (${plan.mode})`, targets, plan);
    const advantage = cpuAdvantage(onNewer, onOlder);
    report({
      name: `node-lines /library (${plan.mode})`,
      value: `${fmtSpread(advantage)} (Node ${older.major}'s CPU/request ÷ Node ${newer.major}'s: ${fmt((1 - 1 / advantage.median) * 100)} % less on Node ${newer.major})`,
      goal: "(the same build, side by side)",
    });
    for (const [i, rounds] of [onOlder, onNewer].entries()) note(`node-lines /library (${plan.mode}), Node ${nodes[i].version}: ${describeSide(rounds)}.`);
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
    switchServerNode(older);
  }
}
