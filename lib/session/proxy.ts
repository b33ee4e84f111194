import { NextResponse, type NextRequest } from "next/server";
import { cookieAttributes } from "./cookie";
import { sessionStore } from "./engine";
import { newSessionKey } from "./keys";
import { settings } from "./settings";

/** Set on every request the proxy handles: where to come back to after a key renewal. */
export const RETURN_TO_HEADER = "x-session-return-to";

/**
 * Issues a sealed key to a page request that arrives without a valid one, so
 * a server component can write while it renders (it cannot set cookies).
 * Costs one unseal and no database round trip: the row appears only when
 * data is first written.
 */
export async function sessionProxy(request: NextRequest): Promise<NextResponse> {
  const s = settings();
  const forwarded = new Headers(request.headers);
  forwarded.set(RETURN_TO_HEADER, request.nextUrl.pathname + request.nextUrl.search);

  const store = sessionStore();
  const key = await store.keyFromCookie(request.cookies.get(s.cookieName)?.value);
  let issued: string | undefined;
  if (!key) {
    issued = await store.cookieValue(newSessionKey());
    request.cookies.set(s.cookieName, issued);
    forwarded.set("cookie", request.cookies.toString());
  }

  const response = NextResponse.next({ request: { headers: forwarded } });
  // Pages show one visitor's data: no shared cache may keep them.
  response.headers.set("Cache-Control", "private, no-store");
  response.headers.append("Vary", "Cookie");
  if (issued) response.cookies.set(s.cookieName, issued, cookieAttributes(s, s.expireAtBrowserClose ? null : s.cookieAge));
  return response;
}
