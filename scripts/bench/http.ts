// HTTP figures, measured side by side in alternating rounds: the session's share of a
// request (/library vs its session-free control) and two server processes vs one.
import autocannon from "autocannon";

export interface Load {
  url: string;
  headers?: Record<string, string>;
}

/** Two loads measured round by round: req/s over all rounds, and each round's ratio b ÷ a. */
export interface Comparison {
  a: number;
  b: number;
  roundRatios: number[];
}

async function requestsPerSecond(load: Load, seconds: number, connections: number): Promise<number> {
  const result = await autocannon({ url: load.url, headers: load.headers, connections, duration: seconds });
  if (result.non2xx || result.errors) throw new Error(`${load.url}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return result.requests.total / result.duration;
}

/**
 * Each round runs both loads back to back, in turns (a b, b a, …), so a burst of
 * noise on this shared machine falls on both sides of a round alike.
 */
export async function compare(a: Load, b: Load, rounds: number, seconds: number, connections = 10): Promise<Comparison> {
  // Warm-up, not counted: the JIT and Next's lazily loaded page modules.
  for (const load of [a, b]) await requestsPerSecond(load, 2, connections);
  const rates = { a: [] as number[], b: [] as number[] };
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? (["a", "b"] as const) : (["b", "a"] as const);
    for (const side of order) rates[side].push(await requestsPerSecond(side === "a" ? a : b, seconds, connections));
  }
  const mean = (xs: number[]) => xs.reduce((sum, x) => sum + x, 0) / xs.length;
  return { a: mean(rates.a), b: mean(rates.b), roundRatios: rates.b.map((rate, i) => rate / rates.a[i]) };
}

/** The median of the rounds' ratios: one round hit by a burst of noise does not move it. */
export function medianRatio({ roundRatios }: Comparison): number {
  const sorted = [...roundRatios].sort((x, y) => x - y);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * The Cookie header a browser sends after its first /library visit: a session
 * that holds data (every request loads and writes its row), and the proxy's
 * session_checked cookie.
 */
export async function sessionCookie(baseUrl: string): Promise<string> {
  const response = await fetch(`${baseUrl}/library`);
  const cookies = response.headers.getSetCookie().map((c) => c.split(";")[0]);
  if (!cookies.some((c) => c.startsWith("sessionid="))) throw new Error("no session cookie from /library");
  return cookies.join("; ");
}
