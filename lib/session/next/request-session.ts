import { cookies, headers } from "next/headers";
import { redirect } from "next/navigation";
import { connection } from "next/server";
import { guardedStore, storeRecentlyFailed } from "../availability";
import { cookieAttributes, deletingCookieAttributes } from "../key-cookie";
import { SessionStoreUnavailableError } from "../errors";
import { localPath } from "../local-path";
import { Session, type SessionOptions } from "../session";
import type { SessionsConfig } from "./config";
import { UNAVAILABLE_PATH } from "./paths";
import { CHECKED_COOKIE, NEW_KEY_HEADER, newKeyMark, RETURN_TO_HEADER } from "./request-headers";
import { requestTransport } from "./transport";

export type CookieJar = Awaited<ReturnType<typeof cookies>>;

/**
 * Next seals the jar while a server component renders: `set` and `delete`
 * then both return the same throwing stub. A real jar has two methods.
 * (Why not the RSC header: docs/DESIGN.md, "Mechanisms that stay".)
 */
export function canSetCookies(jar: CookieJar): boolean {
  return jar.set !== jar.delete;
}

/**
 * The page this request renders, to come back to after a detour: the proxy
 * says so when it ran; otherwise a same-site Referer; otherwise the home page.
 */
function currentPath(requestHeaders: Headers): string {
  const fromProxy = requestHeaders.get(RETURN_TO_HEADER);
  if (fromProxy) return localPath(fromProxy);
  const referer = requestHeaders.get("referer");
  const host = requestHeaders.get("host");
  if (!referer || !host) return "/";
  try {
    const url = new URL(referer);
    return url.host === host ? localPath(url.pathname + url.search) : "/";
  } catch {
    return "/";
  }
}

/** Where a page or action goes when storage fails: the 503 page, then back. */
export function redirectToUnavailable(requestHeaders: Headers): never {
  redirect(`${UNAVAILABLE_PATH}?next=${encodeURIComponent(currentPath(requestHeaders))}`);
}

/** Whether the proxy issued this key for this request (hashing only when it says it did). */
function isNewKey(key: string | null, mark: string | null): boolean {
  return key !== null && mark !== null && mark === newKeyMark(key);
}

/**
 * The session of the request a page, action or route handler serves. A page
 * or action is sent to the 503 page when storage fails; a route handler gets
 * the error, to answer 503 JSON.
 */
export async function requestSession(config: SessionsConfig, options: SessionOptions, routeHandler: boolean): Promise<Session> {
  const { settings } = config;
  // Only at a real request: with cacheComponents Next also renders ahead of one (a runtime prefetch
  // has the cookies but no connection), where a session's clock reads and writes have no place.
  await connection();
  const [jar, requestHeaders] = await Promise.all([cookies(), headers()]);
  if (storeRecentlyFailed()) {
    if (routeHandler) throw new SessionStoreUnavailableError(new Error("storage failed moments ago"));
    redirectToUnavailable(requestHeaders);
  }
  const opened = config.engine.open();
  const store = guardedStore(opened.store, routeHandler ? undefined : () => redirectToUnavailable(requestHeaders));
  const raw = jar.get(settings.cookieName)?.value;
  const incomingKey = (await opened.cookie.read(raw))?.key ?? null;
  const sink = {
    set: (value: string, maxAge: number | null) => void jar.set(settings.cookieName, value, cookieAttributes(settings, maxAge)),
    delete: () => {
      jar.set(settings.cookieName, "", deletingCookieAttributes(settings));
      jar.set(CHECKED_COOKIE, "", deletingCookieAttributes(settings)); // the proxy runs on the next page load
    },
  };
  const keyIsNew = isNewKey(incomingKey, requestHeaders.get(NEW_KEY_HEADER));
  const transport = requestTransport({ incomingKey, hadCookie: raw !== undefined, headers: requestHeaders, codec: opened.cookie, writable: canSetCookies(jar), keyIsNew, sink }, config.clientAddress);
  return new Session(store, options, transport);
}
