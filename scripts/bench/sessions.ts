// Our server against itself, by CPU time per request in alternating wrk rounds (keep-alive: the
// same connections on every side, so connection set-up dilutes no difference): the session's
// share of /library against its session-free control, the bare Next page beside them, the noise
// floor, steadiness, two processes against one, and memory against a bare Next server.
import { bars, fmt, note, report } from "./figures";
import { sessionCookie } from "./http";
import { onNode, serverNode } from "./node";
import { alternateRounds, consecutiveRounds, type Round, type RoundPlan, type Target } from "./rounds";
import { ensureBareBuild, ensureBuild, startBareNext, startServer, type Server } from "./servers";
import { tempDbFile } from "./store";
import { cpuAdvantage, describeSide, fmtSpread, largestRss, median, roundRatios } from "./summary";

export interface SessionsPlan {
  rounds: number;
  seconds: number;
  steadyRounds: number;
}

const at = (server: Server, name: string, path: string, cookie: string): Target => ({ name, url: server.url + path, headers: cookie ? { cookie } : {}, pid: server.pid, countsVisits: path === "/library" });

/** /library ÷ its control, the bare page beside them, and the control against itself (the method's noise floor). */
async function sessionShare(server: Server, cookie: string, plan: RoundPlan): Promise<Round[]> {
  // Both with the same browser's cookies: the control reads no session (nor does the layout for a
  // browser that never signed in), so the ratio is what the session adds to a request.
  const [control, library, bare] = await alternateRounds(onNode("session-share"), [at(server, "control", "/bench/library", cookie), at(server, "/library", "/library", cookie), at(server, "bare", "/bench/bare", cookie)], plan);
  const share = roundRatios(library, control, (r) => r.cpuMsPerRequest);
  const [a, b] = await alternateRounds(onNode("noise-floor"), [at(server, "control", "/bench/library", cookie), at(server, "control again", "/bench/library", cookie)], plan);
  const noise = roundRatios(b, a, (r) => r.cpuMsPerRequest);
  // The verdict stays the median's; a reader is told when noise alone could have moved it across the goal.
  const noiseReach = Math.max(Math.abs(noise.min - 1), Math.abs(noise.max - 1));
  const withinNoise = Math.abs(share.median - 1.1) <= noiseReach ? "; within this run's noise of the goal (noise floor below)" : "";
  report({ name: onNode("session-share"), value: `${fmtSpread(share)} (/library CPU/request ÷ the control page's${withinNoise})`, goal: "≤ 1.10", met: share.median <= 1.1 });
  for (const [name, rounds] of [["/library", library], ["control (/bench/library)", control], ["bare Next page (/bench/bare)", bare]] as const) note(`${onNode("session-share")}, ${name}: ${describeSide(rounds)}.`);
  report({ name: onNode("bare-page"), value: `${fmt(median(bare.map((r) => r.cpuMsPerRequest)), 2)} ms CPU/request; control ÷ bare ${fmtSpread(roundRatios(control, bare, (r) => r.cpuMsPerRequest))}`, goal: "(40 items in our layout, two route segments down: this build's floor at that depth)" });
  report({ name: onNode("noise-floor"), value: fmtSpread(noise, 3), goal: "(control ÷ itself, same method: how far from 1 noise alone moves a ratio)" });
  bars.push({ label: onNode("control page, no session"), value: median(control.map((r) => r.cpuMsPerRequest)) }, { label: onNode("bare Next page"), value: median(bare.map((r) => r.cpuMsPerRequest)) });
  return [...library, ...control, ...bare];
}

/** Consecutive rounds on one server: the slowest ÷ the median, of req/s and of CPU per request. */
async function steadiness(server: Server, cookie: string, plan: RoundPlan): Promise<Round[]> {
  const rounds = await consecutiveRounds(onNode("steadiness"), at(server, "/library", "/library", cookie), plan);
  const rps = rounds.map((r) => r.requestsPerSecond);
  const cpu = rounds.map((r) => r.cpuMsPerRequest);
  const byRate = Math.min(...rps) / median(rps);
  const byCpu = median(cpu) / Math.max(...cpu);
  report({ name: onNode("steadiness"), value: `req/s ${fmt(byRate, 2)}, CPU/request ${fmt(byCpu, 2)} (slowest ÷ median)`, goal: "≥ 0.85 both", met: byRate >= 0.85 && byCpu >= 0.85 });
  note(`${onNode("steadiness")}: ${plan.rounds} consecutive ${plan.seconds} s rounds on /library: ${rps.map((v) => fmt(v)).join(", ")} req/s; ${cpu.map((v) => fmt(v, 2)).join(", ")} ms CPU/request.`);
  return rounds;
}

async function clusterScaling(single: Server, cookie: string, plan: RoundPlan): Promise<void> {
  const cluster = await startServer(4102, tempDbFile("cluster"), 2);
  try {
    const [one, two] = await alternateRounds(onNode("cluster-scaling"), [at(single, "1 process", "/library", cookie), at(cluster, "2 processes", "/library", await sessionCookie(cluster.url))], plan);
    const scaling = roundRatios(two, one, (r) => r.requestsPerSecond);
    report({ name: onNode("cluster-scaling"), value: `${fmtSpread(scaling)} (req/s, 2 processes ÷ 1)`, goal: "> 1 (2 cores, wrk on the same machine)", met: scaling.median > 1 });
    note(`${onNode("cluster-scaling")}, 1 process: ${describeSide(one)}; 2 processes (npm run start:cluster): ${describeSide(two)}; CPU/request 1 ÷ 2 ${fmtSpread(cpuAdvantage(two, one))}.`);
  } finally {
    await cluster.stop();
  }
}

/** A bare Next 16 app (scripts/bench/bare-next: its page at /, nothing of ours) under the same load: the floor of a Next server's memory and CPU. */
async function memory(ours: Round[], plan: RoundPlan): Promise<void> {
  const bareServer = await startBareNext(4103);
  try {
    const [bare] = await alternateRounds(onNode("bare Next app"), [at(bareServer, "bare Next app", "/", "")], plan);
    const [oursMb, bareMb] = [largestRss(ours), largestRss(bare)];
    const met = oursMb <= 250 || oursMb <= 1.3 * bareMb;
    report({ name: onNode("rss-under-load"), value: `${fmt(oursMb)} MB per server process (a bare Next 16 app: ${fmt(bareMb)} MB; ${fmt(oursMb / bareMb, 2)} ×), Node ${serverNode().version}`, goal: "≤ 250 MB, or ≤ 1.3 × the bare Next app", met });
    note(`${onNode("bare Next app")} (scripts/bench/bare-next, its page of 40 items at /): ${describeSide(bare)}.`);
  } finally {
    await bareServer.stop();
  }
}

export async function sessionsFigures(plan: SessionsPlan): Promise<void> {
  ensureBuild();
  ensureBareBuild();
  const single = await startServer(4101, tempDbFile("http"));
  const rounds: RoundPlan = { rounds: plan.rounds, seconds: plan.seconds, mode: "keep-alive" };
  try {
    const cookie = await sessionCookie(single.url);
    const measured = [...(await sessionShare(single, cookie, rounds)), ...(await steadiness(single, cookie, { ...rounds, rounds: plan.steadyRounds }))];
    await memory(measured, rounds);
    await clusterScaling(single, cookie, rounds);
  } finally {
    await single.stop();
  }
}
