// The Cookie header a returning browser sends, for the HTTP figures; and the visit count a page shows.
import { COOKIE_NAME } from "./servers";
import type { Load } from "./wrk";

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

/** The count /library shows for this browser ("You have visited this page N times."); the reading is itself a visit. */
export async function visitCount(load: Load): Promise<number> {
  const response = await fetch(load.url, { headers: load.headers, redirect: "manual", signal: AbortSignal.timeout(10_000) });
  if (response.status !== 200) throw new Error(`${load.url}: ${response.status} where the page was expected`);
  const html = await response.text();
  // React separates the text's parts with empty comments.
  const count = /You have visited this page (?:<!-- -->)?(\d+)/.exec(html)?.[1];
  if (count === undefined) throw new Error(`${load.url}: no visit count in the page`);
  return Number(count);
}
