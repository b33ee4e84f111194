import { NextResponse, type NextRequest } from "next/server";
import { storeRecentlyFailed } from "../availability";
import { cookieAttributes, defaultMaxAge, deletingCookieAttributes } from "../cookie";
import { newSessionKey } from "../keys";
import { MISSING_DATA_HEADER } from "../render-write";
import { Session, type SessionOptions, type SessionTransport } from "../session";
import type { SessionsConfig } from "./create-sessions";
import { CHECKED_COOKIE, CHECKED_VALUE, NEW_KEY_HEADER, newKeyMark, RETURN_TO_HEADER } from "./request-headers";
import { storageUnavailableResponse } from "./unavailable-page";

type OutgoingCookie = { value: string; maxAge: number | null } | { deleted: true };

/**
 * Runs before every page; its usual cost is one unseal and no database work.
 * - No valid cookie on a page load (db engine): issues a sealed key, so a
 *   server component can write while it renders; the row appears only when
 *   data is first written.
 * - A cookie older than SESSION_REFRESH_INTERVAL: pushes the session's expiry
 *   and the cookie's Max-Age forward (idle refresh: one write per interval).
 * - Cookie engine: runs the page's declared render-time write here, where a
 *   cookie can be set.
 * Whatever cookie results goes to the browser and to the render.
 */
export async function handleProxy(request: NextRequest, config: SessionsConfig, options: SessionOptions): Promise<Response> {
  const { settings, renderWrites = [], requiredData = [] } = config;
  const path = request.nextUrl.pathname;
  if (storeRecentlyFailed()) return storageUnavailableResponse(path + request.nextUrl.search);
  const { store, cookie } = config.engine.open();
  const { writesDuringRender } = config.engine;
  const incoming = await cookie.read(request.cookies.get(settings.cookieName)?.value);
  // Only page loads get a key or a refresh: a POST (a server action, perhaps a cross-site
  // one that arrived without the SameSite cookie) must not replace the browser's cookie.
  const isPageLoad = request.method === "GET" || request.method === "HEAD";
  let outgoing: OutgoingCookie | undefined;
  const proxySession = () => {
    const transport: SessionTransport = {
      incomingKey: incoming?.key ?? null,
      hadCookie: request.cookies.has(settings.cookieName),
      writable: true,
      userAgent: request.headers.get("user-agent") ?? undefined,
      sendKey: async (key, maxAge) => void (outgoing = { value: await cookie.write(key), maxAge }),
      deleteCookie: async () => void (outgoing = { deleted: true }),
    };
    return new Session(store, options, transport);
  };

  const renderWrite = writesDuringRender ? undefined : renderWrites.find((w) => w.path === path);
  let issuedKey: string | undefined;
  if (renderWrite && request.method === "GET") {
    const session = proxySession();
    await renderWrite.write(session);
    await session.save();
  } else if (!incoming && writesDuringRender && isPageLoad) {
    issuedKey = newSessionKey();
    outgoing = { value: await cookie.write(issuedKey), maxAge: defaultMaxAge(settings) };
  } else if (!incoming && request.cookies.has(settings.cookieName)) {
    outgoing = { deleted: true }; // a rejected cookie is dropped here, so it is checked (and logged) once
  } else if (incoming && isPageLoad && settings.refreshInterval > 0 && Date.now() - incoming.sealedAt > settings.refreshInterval * 1000) {
    await proxySession().refresh();
  }

  const required = isPageLoad ? requiredData.find((r) => r.path === path) : undefined;
  let missingData = false;
  if (required) {
    const session = proxySession();
    try {
      for (const key of required.keys) missingData ||= !(await session.has(key));
    } catch {
      missingData = false; // storage failed: the page itself loads the session and answers 503
    }
  }

  const forwarded = new Headers(request.headers);
  forwarded.set(RETURN_TO_HEADER, path + request.nextUrl.search);
  forwarded.delete(NEW_KEY_HEADER); // only the proxy may say so
  forwarded.delete(MISSING_DATA_HEADER);
  if (issuedKey) forwarded.set(NEW_KEY_HEADER, newKeyMark(issuedKey));
  if (outgoing) {
    if ("deleted" in outgoing) request.cookies.delete(settings.cookieName);
    else request.cookies.set(settings.cookieName, outgoing.value);
    forwarded.set("cookie", request.cookies.toString());
  }
  let response: NextResponse;
  if (missingData) {
    forwarded.set(MISSING_DATA_HEADER, path);
    response = NextResponse.rewrite(new URL(`${path}/--missing-session-data`, request.url), { request: { headers: forwarded } });
  } else {
    response = NextResponse.next({ request: { headers: forwarded } });
  }
  // Pages show one visitor's data: no shared cache may keep them.
  response.headers.set("Cache-Control", "private, no-store");
  response.headers.append("Vary", "Cookie");
  if (outgoing && "deleted" in outgoing) response.cookies.set(settings.cookieName, "", deletingCookieAttributes(settings));
  else if (outgoing) response.cookies.set(settings.cookieName, outgoing.value, cookieAttributes(settings, outgoing.maxAge));
  if (isPageLoad) response.cookies.set(CHECKED_COOKIE, writesDuringRender ? CHECKED_VALUE.writesInPage : CHECKED_VALUE.writesInProxy, cookieAttributes(settings, settings.refreshInterval || settings.cookieAge));
  return response;
}
