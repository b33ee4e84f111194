import { NextResponse, type NextRequest } from "next/server";
import { storeRecentlyFailed } from "./availability";
import { cookieAttributes, deletingCookieAttributes } from "./cookie";
import { requestStore, sessionOptions } from "./engine";
import { newSessionKey } from "./keys";
import type { RenderWrite } from "./render-write";
import { Session } from "./session";
import { settings } from "./settings";
import { storageUnavailableResponse } from "./unavailable";

/** Set on every request the proxy handles: where to come back to after a key renewal. */
export const RETURN_TO_HEADER = "x-session-return-to";
/** Set when the proxy issued the request's key itself, so the page skips loading it. */
export const NEW_KEY_HEADER = "x-session-new-key";

type OutgoingCookie = { value: string; maxAge: number | null } | { deleted: true };

/**
 * Runs before every page. With the db engine it issues a sealed key to a
 * request that arrives without a valid one, so a server component can write
 * while it renders; that costs one unseal and no database round trip (the
 * row appears only when data is first written). With the cookie engine it
 * runs the page's declared render-time write here, where a cookie can be set.
 * Either way the new cookie goes to the browser and to the render.
 */
export async function sessionProxy(request: NextRequest, renderWrites: readonly RenderWrite<unknown>[] = []): Promise<Response> {
  if (storeRecentlyFailed()) return storageUnavailableResponse(request.nextUrl.pathname + request.nextUrl.search);
  const s = settings();
  const store = requestStore();
  const key = await store.keyFromCookie(request.cookies.get(s.cookieName)?.value);
  let outgoing: OutgoingCookie | undefined;
  let issuedKey = false;

  // Only page loads get a key early: a POST (a server action, perhaps a
  // cross-site one that arrived without the SameSite cookie) must not replace
  // the browser's cookie; an action that writes issues its own key.
  const isPageLoad = request.method === "GET" || request.method === "HEAD";
  const renderWrite = store.writesDuringRender ? undefined : renderWrites.find((w) => w.path === request.nextUrl.pathname);
  if (renderWrite && request.method === "GET") {
    const session = new Session(store, sessionOptions(), {
      incomingKey: key,
      hadCookie: request.cookies.has(s.cookieName),
      writable: true,
      userAgent: request.headers.get("user-agent") ?? undefined,
      sendKey: async (k, maxAge) => void (outgoing = { value: await store.cookieValue(k), maxAge }),
      deleteCookie: async () => void (outgoing = { deleted: true }),
    });
    await renderWrite.write(session);
    await session.save();
  } else if (!key && store.writesDuringRender && isPageLoad) {
    issuedKey = true;
    outgoing = { value: await store.cookieValue(newSessionKey()), maxAge: s.expireAtBrowserClose ? null : s.cookieAge };
  } else if (!key && request.cookies.has(s.cookieName)) {
    outgoing = { deleted: true }; // a rejected cookie is dropped here, so it is checked (and logged) once
  }

  const forwarded = new Headers(request.headers);
  forwarded.set(RETURN_TO_HEADER, request.nextUrl.pathname + request.nextUrl.search);
  forwarded.delete(NEW_KEY_HEADER); // only the proxy may say so
  if (issuedKey) forwarded.set(NEW_KEY_HEADER, "1");
  if (outgoing) {
    if ("deleted" in outgoing) request.cookies.delete(s.cookieName);
    else request.cookies.set(s.cookieName, outgoing.value);
    forwarded.set("cookie", request.cookies.toString());
  }
  const response = NextResponse.next({ request: { headers: forwarded } });
  // Pages show one visitor's data: no shared cache may keep them.
  response.headers.set("Cache-Control", "private, no-store");
  response.headers.append("Vary", "Cookie");
  if (outgoing && "deleted" in outgoing) response.cookies.set(s.cookieName, "", deletingCookieAttributes(s));
  else if (outgoing) response.cookies.set(s.cookieName, outgoing.value, cookieAttributes(s, outgoing.maxAge));
  return response;
}
