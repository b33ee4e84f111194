// Ours against Django on one page, in alternating rounds (ours, Django, Django, ours, …) so the
// drifts of this shared machine fall on both sides alike; req/s, p50 and p99 latency, and the
// servers' memory sampled while they are under load.
import autocannon from "autocannon";
import type { Load } from "./http";
import { progress } from "./progress";
import { treeRss } from "./rss";

export interface SideFigures {
  /** Mean over the rounds. */
  requestsPerSecond: number;
  /** Each round's req/s, in order. */
  rounds: number[];
  /** Medians over the rounds, in ms. */
  p50: number;
  p99: number;
  /** The largest resident size of one server process seen under load, and how many processes hold memory. */
  rssPerProcessMb: number;
  processes: number;
}

export interface Versus {
  ours: SideFigures;
  django: SideFigures;
  /** ours ÷ Django, req/s. */
  ratio: number;
}

export interface Side extends Load {
  pid: number;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function round(side: Side, seconds: number, connections: number) {
  let memory = { processes: 0, largestMb: 0 };
  const sampler = setInterval(() => {
    const now = treeRss(side.pid);
    memory = { processes: Math.max(memory.processes, now.processes), largestMb: Math.max(memory.largestMb, now.largestMb) };
  }, 1000);
  try {
    const result = await autocannon({ url: side.url, headers: side.headers, connections, duration: seconds });
    // gunicorn's sync workers answer `Connection: close`, which autocannon counts as errors and
    // reconnects (as wrk does): only non-2xx answers and timeouts are failures here.
    const { timeouts = 0 } = result as { timeouts?: number }; // reported, though not in autocannon's types
    if (result.non2xx || timeouts) throw new Error(`${side.url}: ${result.non2xx} non-2xx, ${timeouts} timeouts`);
    return { rps: result.requests.total / result.duration, p50: result.latency.p50, p99: result.latency.p99, memory };
  } finally {
    clearInterval(sampler);
  }
}

/** `rounds` rounds of `seconds` on each side, after a warm-up on each; `what` names the phase in the progress line. */
export async function versus(what: string, ours: Side, django: Side, rounds: number, seconds: number, connections = 10): Promise<Versus> {
  const totalSeconds = 2 * (2 + rounds * seconds);
  const started = performance.now();
  const tick = (detail: string) => progress(`${what}: ${detail}`, totalSeconds - (performance.now() - started) / 1000);
  for (const [name, side] of [["ours", ours], ["Django", django]] as const) {
    tick(`warming up ${name}`);
    await autocannon({ url: side.url, headers: side.headers, connections, duration: 2 });
  }
  const results = { ours: [] as Awaited<ReturnType<typeof round>>[], django: [] as Awaited<ReturnType<typeof round>>[] };
  for (let i = 0; i < rounds; i++) {
    const order = i % 2 === 0 ? (["ours", "django"] as const) : (["django", "ours"] as const);
    for (const name of order) {
      tick(`round ${i + 1}/${rounds}, ${name === "ours" ? "ours" : "Django"}`);
      results[name].push(await round(name === "ours" ? ours : django, seconds, connections));
    }
  }
  progress.done();
  const figures = (list: Awaited<ReturnType<typeof round>>[]): SideFigures => ({
    requestsPerSecond: list.reduce((sum, r) => sum + r.rps, 0) / list.length,
    rounds: list.map((r) => r.rps),
    p50: median(list.map((r) => r.p50)),
    p99: median(list.map((r) => r.p99)),
    rssPerProcessMb: Math.max(...list.map((r) => r.memory.largestMb)),
    processes: Math.max(...list.map((r) => r.memory.processes)),
  });
  const [o, d] = [figures(results.ours), figures(results.django)];
  return { ours: o, django: d, ratio: o.requestsPerSecond / d.requestsPerSecond };
}

/** Rounds on one side only, back to back: how steady it stays (each round ÷ the median). */
export async function steadiness(what: string, side: Side, rounds: number, seconds: number, connections = 10): Promise<{ rounds: number[]; worst: number }> {
  const started = performance.now();
  const list: number[] = [];
  for (let i = 0; i < rounds; i++) {
    progress(`${what}: round ${i + 1}/${rounds}`, rounds * seconds - (performance.now() - started) / 1000);
    list.push((await round(side, seconds, connections)).rps);
  }
  progress.done();
  return { rounds: list, worst: Math.min(...list) / median(list) };
}
