// The Cookie header a returning browser sends, for the HTTP figures.
import { COOKIE_NAME } from "./servers";

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
