import "server-only";
import { cookies, headers } from "next/headers";
import { redirect } from "next/navigation";
import { cache } from "react";
import { guardedStore, guardStorage } from "./availability";
import { cookieAttributes, deletingCookieAttributes } from "./cookie";
import { SessionStoreUnavailableError } from "./errors";
import { sessionOptions, requestStore } from "./engine";
import { newSessionKey } from "./keys";
import { localPath } from "./local-path";
import { NEW_KEY_HEADER, RETURN_TO_HEADER } from "./proxy";
import type { RenderWrite } from "./render-write";
import { Session, type SessionTransport } from "./session";
import { settings } from "./settings";
import { storageUnavailableResponse, UNAVAILABLE_PATH } from "./unavailable";

export const RENEW_PATH = "/session/renew";

type CookieJar = Awaited<ReturnType<typeof cookies>>;

/**
 * Next seals the jar while a server component renders: `set` and `delete`
 * then both return the same throwing stub. A real jar has two methods.
 */
function canSetCookies(jar: CookieJar): boolean {
  return jar.set !== jar.delete;
}

/** Where a page or action goes when storage fails: the 503 page, then back. */
function redirectToUnavailable(requestHeaders: Headers): never {
  redirect(`${UNAVAILABLE_PATH}?next=${encodeURIComponent(localPath(requestHeaders.get(RETURN_TO_HEADER)))}`);
}

/** Any storage call a page makes (the session's, or its own queries): a failure answers 503. */
export async function pageStorage<T>(call: Promise<T>): Promise<T> {
  try {
    return await guardStorage(call);
  } catch (error) {
    if (error instanceof SessionStoreUnavailableError) redirectToUnavailable(await headers());
    throw error;
  }
}

async function requestSession({ routeHandler = false } = {}): Promise<Session> {
  const s = settings();
  const [jar, requestHeaders] = await Promise.all([cookies(), headers()]);
  const store = guardedStore(requestStore(), routeHandler ? undefined : () => redirectToUnavailable(requestHeaders));
  const raw = jar.get(s.cookieName)?.value;
  const transport: SessionTransport = {
    incomingKey: (await store.readCookie(raw))?.key ?? null,
    hadCookie: raw !== undefined,
    keyIsNew: requestHeaders.has(NEW_KEY_HEADER),
    writable: canSetCookies(jar),
    userAgent: requestHeaders.get("user-agent")?.slice(0, 512) ?? undefined,
    async sendKey(key, maxAge) {
      jar.set(s.cookieName, await store.cookieValue(key), cookieAttributes(s, maxAge));
    },
    async deleteCookie() {
      jar.set(s.cookieName, "", deletingCookieAttributes(s));
    },
    keyLost() {
      // A render cannot set a cookie: fetch a fresh key, then render this page again.
      redirect(`${RENEW_PATH}?next=${encodeURIComponent(localPath(requestHeaders.get(RETURN_TO_HEADER)))}`);
    },
  };
  return new Session(store, sessionOptions(), transport);
}

/**
 * The request's session. In a server component every caller in one render
 * shares one object; in a server action or route handler call it once and
 * `await session.save()` before returning.
 */
export const getSession: () => Promise<Session> = cache(requestSession);

/** Link prefetches render pages too; they must not count as visits. */
export async function isPrefetch(): Promise<boolean> {
  const h = await headers();
  return h.has("next-router-prefetch") || /prefetch/i.test(h.get("sec-purpose") ?? h.get("purpose") ?? "");
}

/**
 * Runs a page's render-time write where it persists (see render-write.ts) and
 * returns what the page shows. A prefetch only reads: it is not a visit.
 */
export async function runRenderWrite<T>(declared: RenderWrite<T>): Promise<T> {
  const session = await getSession();
  if ((await isPrefetch()) || !requestStore().writesDuringRender) return declared.read(session);
  const result = await declared.write(session);
  await session.save();
  return result;
}

/**
 * Route handler glue, Django's middleware: runs the handler with the session,
 * saves it unless the response is a 5xx, and marks the response `Vary: Cookie`.
 */
export function withSession<Args extends unknown[]>(
  handler: (session: Session, ...args: Args) => Promise<Response>,
): (...args: Args) => Promise<Response> {
  return async (...args) => {
    const session = await requestSession({ routeHandler: true });
    try {
      const response = await handler(session, ...args);
      if (response.status < 500) await session.save();
      if (session.accessed || session.modified) response.headers.append("Vary", "Cookie");
      return response;
    } catch (error) {
      if (!(error instanceof SessionStoreUnavailableError)) throw error;
      return Response.json({ error: error.message }, { status: 503, headers: { "Retry-After": "2" } });
    }
  };
}

/** GET handler for UNAVAILABLE_PATH: the 503 page. */
export async function storageUnavailable(request: Request): Promise<Response> {
  return storageUnavailableResponse(localPath(new URL(request.url).searchParams.get("next")));
}

/** GET handler for RENEW_PATH: a fresh key for a browser whose key died, then back. */
export async function renewSessionKey(request: Request): Promise<Response> {
  const s = settings();
  const jar = await cookies();
  jar.set(s.cookieName, await requestStore().cookieValue(newSessionKey()), cookieAttributes(s, s.expireAtBrowserClose ? null : s.cookieAge));
  const next = localPath(new URL(request.url).searchParams.get("next"));
  return new Response(null, { status: 303, headers: { Location: next, "Cache-Control": "no-store" } });
}
