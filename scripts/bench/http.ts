// HTTP figures, measured side by side in alternating rounds: the session's share of a
// request (/library vs its session-free control) and two server processes vs one.
import autocannon from "autocannon";
import { COOKIE_NAME } from "./servers";

export interface Load {
  url: string;
  headers?: Record<string, string>;
}

/** Two loads compared: each one's req/s, and the ratio b ÷ a. */
export interface Comparison {
  a: number;
  b: number;
  ratio: number;
  /** What the ratio rests on: rounds, or phases within one run. */
  method: string;
}

async function requestsPerSecond(load: Load, seconds: number, connections: number): Promise<number> {
  const result = await autocannon({ url: load.url, headers: load.headers, connections, duration: seconds });
  if (result.non2xx || result.errors) throw new Error(`${load.url}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return result.requests.total / result.duration;
}

/**
 * Two servers (two URLs), in alternating rounds (a b, b a, …), so slow drifts in
 * this shared machine's speed fall on both sides alike.
 */
export async function alternate(a: Load, b: Load, rounds: number, seconds: number, connections = 10): Promise<Comparison> {
  // Warm-up, not counted: the JIT and Next's lazily loaded page modules.
  for (const load of [a, b]) await requestsPerSecond(load, 2, connections);
  const totals = { a: 0, b: 0 };
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? (["a", "b"] as const) : (["b", "a"] as const);
    for (const side of order) totals[side] += await requestsPerSecond(side === "a" ? a : b, seconds, connections);
  }
  return { a: totals.a / rounds, b: totals.b / rounds, ratio: totals.b / totals.a, method: `${rounds} alternating rounds of ${seconds} s each` };
}

/**
 * Two paths of one server in a single autocannon run that switches path every
 * `phaseMs`: every request goes to the path of the phase it starts in, and
 * counts for that path. The speed of this shared machine swings by ±20% within
 * seconds; switching every second puts both paths through the same swings,
 * where rounds of several seconds each could not.
 */
export async function interleave(
  baseUrl: string,
  [pathA, pathB]: [string, string],
  [headersA, headersB]: [Record<string, string>, Record<string, string>],
  seconds: number,
  phaseMs = 1000,
  connections = 10,
): Promise<Comparison> {
  await requestsPerSecond({ url: baseUrl + pathA, headers: headersA }, 2, connections); // warm-up
  await requestsPerSecond({ url: baseUrl + pathB, headers: headersB }, 2, connections);
  const counts = [0, 0];
  const start = performance.now();
  const phase = () => Math.floor((performance.now() - start) / phaseMs) % 2;
  const result = await autocannon({
    url: baseUrl,
    connections,
    duration: seconds,
    requests: [
      {
        setupRequest: (request, context) => {
          context.phase = phase();
          return { ...request, path: context.phase === 0 ? pathA : pathB, headers: context.phase === 0 ? headersA : headersB };
        },
        onResponse: (status, _body, context) => {
          if (status === 200) counts[context.phase as number]++;
        },
      },
    ],
  });
  if (result.non2xx || result.errors) throw new Error(`${baseUrl}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  const [a, b] = counts.map((n) => n / (result.duration / 2)); // each path had half the run
  return { a, b, ratio: b / a, method: `one ${seconds} s run switching path every ${phaseMs / 1000} s` };
}

/**
 * The Cookie header a browser sends after its first /library visit: a session
 * that holds data (every request loads and writes its row), and the proxy's
 * session_checked cookie.
 */
export async function sessionCookie(baseUrl: string): Promise<string> {
  const response = await fetch(`${baseUrl}/library`);
  const cookies = response.headers.getSetCookie().map((c) => c.split(";")[0]);
  if (!cookies.some((c) => c.startsWith(`${COOKIE_NAME}=`))) throw new Error("no session cookie from /library");
  return cookies.join("; ");
}
