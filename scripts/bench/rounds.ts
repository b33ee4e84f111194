// Measured rounds: wrk on one server's URL while its process tree's CPU time is read before and
// after and its memory sampled each second. Several targets go in alternating rounds (a b, b a,
// …; with three a b c, c b a, …), so the drifts of this shared machine fall on every side alike.
import { treeCpuSeconds } from "./cpu";
import { fmt, note } from "./figures";
import { visitCount } from "./http";
import { progress } from "./progress";
import { treeRss } from "./rss";
import { runWrk, type ConnectionMode, type Load } from "./wrk";

/** A URL to load and the server (its root process) that answers it. */
export interface Target extends Load {
  name: string;
  pid: number;
  /** Other processes that work for this target alone while it is loaded (its redis-server): their CPU counts as its. */
  helperPids?: number[];
  /**
   * The target counts each visit on the server (ours, /library, a server-side engine): every round
   * then checks that it counted every visit wrk made, so a page that skipped or refused the count
   * (as the per-client budget once did, unseen) fails the run instead of reading cheaper.
   */
  countsVisits?: boolean;
}

const targetCpuSeconds = (target: Target) => [target.pid, ...(target.helperPids ?? [])].reduce((sum, pid) => sum + treeCpuSeconds(pid), 0);

export interface Round {
  requests: number;
  requestsPerSecond: number;
  /** The server tree's CPU time (all processes and threads) ÷ the requests wrk completed, in ms. */
  cpuMsPerRequest: number;
  p50Ms: number;
  p99Ms: number;
  /** The largest resident size of one server process seen in the round, and how many processes hold memory. */
  rssLargestMb: number;
  processes: number;
}

export interface RoundPlan {
  rounds: number;
  seconds: number;
  mode: ConnectionMode;
}

/**
 * A cold Next server spends several times the CPU per request of a warm one (the JIT, lazily
 * loaded page modules): on Node 20 /library fell from about 10 ms to 3.5–4.5 ms over its first
 * 6,000–8,000 requests (docs/DESIGN.md). Each target is loaded until it has served this many
 * requests per server process (or WARM_UP_MAX_S passed) before any round counts; what the warm-up
 * cost is reported beside the rounds, so the cold start is not hidden.
 */
export const WARM_UP_REQUESTS = 10_000;
export const WARM_UP_MAX_S = 60;

/** Requests still in flight when wrk stops are served after it: let them finish before each CPU reading. */
const SETTLE_MS = 200;
const settle = () => new Promise((r) => setTimeout(r, SETTLE_MS));

export async function measureRound(target: Target, seconds: number, mode: ConnectionMode): Promise<Round> {
  let memory = { processes: 0, largestMb: 0 };
  const sample = () => {
    const now = treeRss(target.pid);
    memory = { processes: Math.max(memory.processes, now.processes), largestMb: Math.max(memory.largestMb, now.largestMb) };
  };
  await settle(); // the previous run's last requests, not this round's
  const countBefore = target.countsVisits ? await visitCount(target) : 0;
  const sampler = setInterval(sample, 1000);
  const cpuBefore = targetCpuSeconds(target);
  try {
    const result = await runWrk(target, seconds, mode);
    sample();
    await settle();
    const cpu = targetCpuSeconds(target) - cpuBefore;
    if (target.countsVisits) await checkCounted(target, countBefore, result.requests);
    return {
      requests: result.requests,
      requestsPerSecond: result.requests / result.seconds,
      cpuMsPerRequest: (cpu * 1000) / result.requests,
      p50Ms: result.p50Ms,
      p99Ms: result.p99Ms,
      rssLargestMb: memory.largestMb,
      processes: memory.processes,
    };
  } finally {
    clearInterval(sampler);
  }
}

/** Throws unless the count moved by at least the `visits` wrk completed (the reading adds one; requests still in flight when wrk stopped may add more). */
export async function checkCounted(target: Target, countBefore: number, visits: number): Promise<void> {
  const counted = (await visitCount(target)) - countBefore - 1;
  if (counted < visits) throw new Error(`${target.name} (${target.url}) counted ${counted} of the ${visits} visits wrk made: its figures would not be of the page's work`);
}

/** The URLs (of which server process) warmed up already: a later set of rounds on them needs none. */
const warm = new Set<string>();

/** What a warm-up cost: requests served and CPU per request while the server was still cold. */
export interface WarmUp {
  requests: number;
  cpuMsPerRequest: number;
}

/** Loads `target` until it is warm (WARM_UP_REQUESTS per process), none of it counted in the rounds; null if it was warm already. */
export async function warmUp(target: Target, mode: ConnectionMode): Promise<WarmUp | null> {
  const key = `${target.pid} ${target.url}`;
  if (warm.has(key)) return null;
  warm.add(key);
  // A tree of several processes is a primary (cluster, gunicorn master) and its workers.
  const wanted = WARM_UP_REQUESTS * Math.max(1, treeRss(target.pid).processes - 1);
  const started = performance.now();
  const cpuBefore = targetCpuSeconds(target);
  let served = 0;
  while (served < wanted && performance.now() - started < WARM_UP_MAX_S * 1000) served += (await runWrk(target, 2, mode)).requests;
  await settle();
  return { requests: served, cpuMsPerRequest: ((targetCpuSeconds(target) - cpuBefore) * 1000) / Math.max(1, served) };
}

function noteWarmUp(what: string, target: Target, cost: WarmUp | null): void {
  if (cost) note(`${what}, warm-up of ${target.name}: ${fmt(cost.requests)} requests at ${fmt(cost.cpuMsPerRequest, 2)} ms CPU/request, not counted in the rounds.`);
}

/**
 * `plan.rounds` rounds over every target, the order reversed each round, after
 * warming each up. Returns each target's rounds, in the targets' order.
 */
export async function alternateRounds(what: string, targets: Target[], plan: RoundPlan): Promise<Round[][]> {
  const total = targets.length * (10 + plan.rounds * plan.seconds);
  const started = performance.now();
  const tick = (detail: string) => progress(`${what}: ${detail}`, total - (performance.now() - started) / 1000);
  for (const target of targets) {
    tick(`warming up ${target.name}`);
    noteWarmUp(what, target, await warmUp(target, plan.mode));
  }
  const results: Round[][] = targets.map(() => []);
  for (let round = 0; round < plan.rounds; round++) {
    const order = targets.map((_, i) => i);
    if (round % 2 === 1) order.reverse();
    for (const i of order) {
      tick(`round ${round + 1}/${plan.rounds}, ${targets[i].name}`);
      results[i].push(await measureRound(targets[i], plan.seconds, plan.mode));
    }
  }
  progress.done();
  return results;
}

/** Rounds on one target only, back to back: how steady it stays. */
export async function consecutiveRounds(what: string, target: Target, plan: RoundPlan): Promise<Round[]> {
  const started = performance.now();
  noteWarmUp(what, target, await warmUp(target, plan.mode));
  const list: Round[] = [];
  for (let i = 0; i < plan.rounds; i++) {
    progress(`${what}: round ${i + 1}/${plan.rounds}`, plan.rounds * plan.seconds - (performance.now() - started) / 1000);
    list.push(await measureRound(target, plan.seconds, plan.mode));
  }
  progress.done();
  return list;
}
