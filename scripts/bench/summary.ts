// What a set of rounds says: per-round ratios as their median and spread (a bad round shows in
// the minimum, never averaged away), and each side's medians.
import { fmt } from "./figures";
import type { Round } from "./rounds";

export interface Spread {
  median: number;
  min: number;
  max: number;
  count: number;
  /**
   * For ratios of two sides' rounds: the one side's median ÷ the other's. It can differ from the
   * median of the round ratios by 10–20 % on a noisy machine, so both are printed.
   */
  ofMedians?: number;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

export function spread(values: number[]): Spread {
  return { median: median(values), min: Math.min(...values), max: Math.max(...values), count: values.length };
}

/** Round by round, `numerator`'s value ÷ `denominator`'s (the rounds of two targets measured side by side). */
export function roundRatios(numerator: Round[], denominator: Round[], value: (r: Round) => number): Spread {
  const ofMedians = median(numerator.map(value)) / median(denominator.map(value));
  return { ...spread(numerator.map((r, i) => value(r) / value(denominator[i]))), ofMedians };
}

/** CPU per request: `than`'s ÷ `side`'s, round by round; above 1 when `side` uses less CPU per request. */
export const cpuAdvantage = (side: Round[], than: Round[]): Spread => roundRatios(than, side, (r) => r.cpuMsPerRequest);

export const fmtSpread = (s: Spread, digits = 2): string =>
  `${fmt(s.median, digits)} (rounds ${fmt(s.min, digits)}..${fmt(s.max, digits)}, n=${s.count}${s.ofMedians === undefined ? "" : `; of the sides' medians ${fmt(s.ofMedians, digits)}`})`;

/** One side's medians over its rounds, and the largest process it grew to. */
export function describeSide(rounds: Round[]): string {
  const m = (value: (r: Round) => number) => median(rounds.map(value));
  const cpu = spread(rounds.map((r) => r.cpuMsPerRequest));
  const rss = Math.max(...rounds.map((r) => r.rssLargestMb));
  const processes = Math.max(...rounds.map((r) => r.processes));
  return (
    `${fmt(cpu.median, 2)} ms CPU/request (${fmt(cpu.min, 2)}..${fmt(cpu.max, 2)}), ${fmt(m((r) => r.requestsPerSecond))} req/s, ` +
    `p50 ${fmt(m((r) => r.p50Ms), 1)} ms, p99 ${fmt(m((r) => r.p99Ms), 1)} ms, ${fmt(rss)} MB RSS per process (${processes} process${processes === 1 ? "" : "es"})`
  );
}

export const largestRss = (rounds: Round[]): number => Math.max(...rounds.map((r) => r.rssLargestMb));
