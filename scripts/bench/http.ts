// HTTP figures, measured side by side in alternating rounds: the session's share of a
// request (/library vs its session-free control) and two server processes vs one.
import autocannon from "autocannon";

export interface Load {
  url: string;
  headers?: Record<string, string>;
}

/** Requests per second of each load, alternating rounds so machine noise hits both alike. */
export async function alternate(loads: Load[], rounds: number, seconds: number, connections = 10): Promise<number[]> {
  const totals = loads.map(() => ({ requests: 0, seconds: 0 }));
  // Warm-up, not counted: the JIT and Next's lazily loaded page modules.
  for (const load of loads) await autocannon({ url: load.url, headers: load.headers, connections, duration: 2 });
  for (let round = 0; round < rounds; round++) {
    for (const [i, load] of loads.entries()) {
      const result = await autocannon({ url: load.url, headers: load.headers, connections, duration: seconds });
      if (result.non2xx || result.errors) throw new Error(`${load.url}: ${result.non2xx} non-2xx, ${result.errors} errors`);
      totals[i].requests += result.requests.total;
      totals[i].seconds += result.duration;
    }
  }
  return totals.map((t) => t.requests / t.seconds);
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
