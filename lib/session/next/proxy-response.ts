import { NextResponse } from "next/server";
import { cookieAttributes, deletingCookieAttributes } from "../key-cookie";
import { MISSING_DATA_HEADER } from "../render-write";
import { signForwarded } from "../forwarded";
import type { ProxyContext } from "./proxy-context";
import { CHECKED_COOKIE, CHECKED_VALUE, NEW_KEY_HEADER, newKeyMark, RETURN_TO_HEADER } from "./request-headers";

/** The request headers the render gets: where to come back to, what the steps forwarded, the cookie as the steps left it. */
function forwardedHeaders(ctx: ProxyContext): Headers {
  const { request, settings, outgoing } = ctx;
  const forwarded = new Headers(request.headers);
  forwarded.set(RETURN_TO_HEADER, ctx.path + request.nextUrl.search);
  forwarded.delete(NEW_KEY_HEADER); // only the proxy may say so
  forwarded.delete(MISSING_DATA_HEADER);
  for (const [name, value] of ctx.forwards ?? []) forwarded.set(name, signForwarded(name, value));
  if (ctx.issuedKey) forwarded.set(NEW_KEY_HEADER, newKeyMark(ctx.issuedKey));
  if (outgoing) {
    if ("deleted" in outgoing) request.cookies.delete(settings.cookieName);
    else request.cookies.set(settings.cookieName, outgoing.value);
    forwarded.set("cookie", request.cookies.toString());
  }
  return forwarded;
}

/** Whatever cookies the steps left go to the browser; a page load also gets `session_checked` for the interval. */
function setResponseCookies(ctx: ProxyContext, response: NextResponse): void {
  const { settings, outgoing } = ctx;
  if (outgoing && "deleted" in outgoing) response.cookies.set(settings.cookieName, "", deletingCookieAttributes(settings));
  else if (outgoing) response.cookies.set(settings.cookieName, outgoing.value, cookieAttributes(settings, outgoing.maxAge));
  for (const [name, value, maxAge] of ctx.cookies ?? []) {
    response.cookies.set(name, value ?? "", value === null ? deletingCookieAttributes(settings) : cookieAttributes(settings, maxAge));
  }
  if (ctx.isPageLoad) {
    const checked = ctx.writesDuringRender ? CHECKED_VALUE.writesInPage : CHECKED_VALUE.writesInProxy;
    response.cookies.set(CHECKED_COOKIE, checked, cookieAttributes(settings, settings.refreshInterval || settings.cookieAge));
  }
}

/** The proxy's answer once every step ran: the page, or the not-found page for missing session data. */
export function proxyResponse(ctx: ProxyContext): Response {
  const forwarded = forwardedHeaders(ctx);
  let response: NextResponse;
  if (ctx.missingData) {
    forwarded.set(MISSING_DATA_HEADER, signForwarded(MISSING_DATA_HEADER, ctx.path));
    response = NextResponse.rewrite(new URL(`${ctx.path}/--missing-session-data`, ctx.request.url), { request: { headers: forwarded } });
  } else {
    response = NextResponse.next({ request: { headers: forwarded } });
  }
  // Pages show one visitor's data: no shared cache may keep them.
  response.headers.set("Cache-Control", "private, no-store");
  response.headers.append("Vary", "Cookie");
  setResponseCookies(ctx, response);
  return response;
}
