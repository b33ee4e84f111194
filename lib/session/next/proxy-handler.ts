import { NextResponse, type NextRequest } from "next/server";
import { isUnavailability, storeRecentlyFailed } from "../availability";
import { cookieAttributes, defaultMaxAge, deletingCookieAttributes } from "../cookie";
import { SessionBudgetError } from "../errors";
import { newSessionKey } from "../keys";
import { takeMessages, type Message } from "../messages";
import { MISSING_DATA_HEADER } from "../render-write";
import { Session, type SessionOptions, type SessionTransport } from "../session";
import { clientOf } from "./client";
import type { SessionsConfig } from "./config";
import { encodeMessages, MESSAGES_HEADER } from "./forwarded-messages";
import { ACTION_REDIRECT_HEADER, CHECKED_COOKIE, CHECKED_VALUE, MESSAGES_COOKIE, NEW_KEY_HEADER, newKeyMark, RETURN_TO_HEADER } from "./request-headers";
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
 * - Messages pending (the MESSAGES_COOKIE an action set): takes them from the
 *   session and hands them to the render, so each shows once on any engine.
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
  let session: Session | undefined;
  // One session object for every job below, so each sees what the one before wrote.
  const proxySession = () => {
    if (session) return session;
    const transport: SessionTransport = {
      incomingKey: incoming?.key ?? null,
      hadCookie: request.cookies.has(settings.cookieName),
      writable: true,
      userAgent: request.headers.get("user-agent")?.slice(0, 512) ?? undefined,
      ...clientOf(config, request.headers),
      sendKey: async (key, maxAge) => void (outgoing = { value: await cookie.write(key), maxAge }),
      deleteCookie: async () => void (outgoing = { deleted: true }),
    };
    return (session = new Session(store, options, transport));
  };

  const renderWrite = writesDuringRender || request.method !== "GET" ? undefined : renderWrites.find((w) => w.path === path);
  const messagesPending = request.method === "GET" && request.cookies.has(MESSAGES_COOKIE);
  // After a server action, Next renders the page it redirects to through a request of its own and
  // drops every cookie that render's proxy sets. Where the session lives in the cookie, a write made
  // here would be lost: answer without a page, and the browser loads it itself.
  if ((renderWrite || messagesPending) && !writesDuringRender && request.headers.has(ACTION_REDIRECT_HEADER)) {
    return new Response(null, { status: 204, headers: { "Cache-Control": "no-store" } });
  }
  let issuedKey: string | undefined;
  if (renderWrite) {
    await renderWrite.write(proxySession());
    await proxySession().save();
  } else if (!incoming && writesDuringRender && isPageLoad) {
    issuedKey = newSessionKey();
    outgoing = { value: await cookie.write(issuedKey), maxAge: defaultMaxAge(settings) };
  } else if (!incoming && request.cookies.has(settings.cookieName)) {
    outgoing = { deleted: true }; // a rejected cookie is dropped here, so it is checked (and logged) once
  } else if (incoming && isPageLoad && settings.refreshInterval > 0 && Date.now() - incoming.sealedAt > settings.refreshInterval * 1000) {
    await proxySession().refresh();
  }

  let messages: Message[] | undefined;
  if (messagesPending) {
    try {
      messages = await takeMessages(proxySession());
      await proxySession().save();
    } catch (error) {
      if (!isUnavailability(error) && !(error instanceof SessionBudgetError)) throw error;
      messages = undefined; // kept for the next page; this one loads the session itself and answers 503
    }
  }

  const required = isPageLoad ? requiredData.find((r) => r.path === path) : undefined;
  let missingData = false;
  if (required) {
    try {
      for (const key of required.keys) missingData ||= !(await proxySession().has(key));
    } catch {
      missingData = false; // storage failed: the page itself loads the session and answers 503
    }
  }

  const forwarded = new Headers(request.headers);
  forwarded.set(RETURN_TO_HEADER, path + request.nextUrl.search);
  forwarded.delete(NEW_KEY_HEADER); // only the proxy may say so
  forwarded.delete(MISSING_DATA_HEADER);
  forwarded.delete(MESSAGES_HEADER);
  if (messages?.length) forwarded.set(MESSAGES_HEADER, encodeMessages(messages));
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
  if (messages) response.cookies.set(MESSAGES_COOKIE, "", deletingCookieAttributes(settings));
  if (isPageLoad) response.cookies.set(CHECKED_COOKIE, writesDuringRender ? CHECKED_VALUE.writesInPage : CHECKED_VALUE.writesInProxy, cookieAttributes(settings, settings.refreshInterval || settings.cookieAge));
  return response;
}
