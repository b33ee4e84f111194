import { cookies, headers } from "next/headers";
import { redirect } from "next/navigation";
import type { NextRequest } from "next/server";
import { cache } from "react";
import { guardedStore, guardStorage, storeRecentlyFailed } from "../availability";
import { cookieAttributes, defaultMaxAge, deletingCookieAttributes } from "../cookie";
import { ClientBudget } from "../budget";
import { SessionBudgetError, SessionInterruptedError, SessionKeyRequiredError, SessionStoreUnavailableError } from "../errors";
import { newSessionKey } from "../keys";
import { processState } from "../process-state";
import { localPath } from "../local-path";
import { clientOf } from "./client";
import { addMessage as addSessionMessage, type Message, type MessageLevel } from "../messages";
import type { RenderWrite } from "../render-write";
import { Session, type SessionOptions, type SessionTransport } from "../session";
import type { SessionSettings } from "../settings";
import type { CookieCodec, SessionHooks, SessionStore } from "../types";
import { decodeMessages, MESSAGES_HEADER } from "./forwarded-messages";
import { handleProxy } from "./proxy-handler";
import { CHECKED_COOKIE, MESSAGES_COOKIE, NEW_KEY_HEADER, newKeyMark, RETURN_TO_HEADER } from "./request-headers";
import { storageUnavailableResponse } from "./unavailable-page";
import { sessionServices } from "../services";
import { RENEW_PATH, UNAVAILABLE_PATH } from "./paths";
import type { SessionsConfig } from "./config";

export type { SessionsConfig };


type CookieJar = Awaited<ReturnType<typeof cookies>>;

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Next seals the jar while a server component renders: `set` and `delete`
 * then both return the same throwing stub. A real jar has two methods.
 */
function canSetCookies(jar: CookieJar): boolean {
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
function redirectToUnavailable(requestHeaders: Headers): never {
  redirect(`${UNAVAILABLE_PATH}?next=${encodeURIComponent(currentPath(requestHeaders))}`);
}

/** Whether the proxy issued this key for this request (hashing only when it says it did). */
function isNewKey(key: string | null, mark: string | null): boolean {
  return key !== null && mark !== null && mark === newKeyMark(key);
}

/**
 * Whether a request comes from a page of this very origin, as Next checks its
 * server actions: the browser's Sec-Fetch-Site when it sends one, else the
 * Origin against the Host. A request with neither is refused: every browser
 * sends one of them on a POST, PATCH or DELETE, so only a cross-site trick
 * or a non-browser client lacks both (and the latter can send Origin).
 * Same-site is not enough: another port of this host is same-site.
 */
export function isSameOrigin(request: Request): boolean {
  const site = request.headers.get("sec-fetch-site");
  if (site !== null) return site === "same-origin";
  const origin = request.headers.get("origin");
  const first = (name: string) => request.headers.get(name)?.split(",")[0].trim() || undefined;
  const host = first("x-forwarded-host") ?? request.headers.get("host");
  if (!origin || !host) return false;
  // Behind a proxy that terminates TLS, the scheme the browser used is the forwarded one.
  const scheme = first("x-forwarded-proto") ?? new URL(request.url).protocol.slice(0, -1);
  return origin === `${scheme}://${host}`;
}

/** A JSON answer of the session routes: never cached by anyone but this browser. */
function jsonAnswer(body: object, status: number, extraHeaders: Record<string, string> = {}): Response {
  return Response.json(body, { status, headers: { "Cache-Control": "private, no-store", ...extraHeaders } });
}

/** Link prefetches render pages too; they must not count as visits. */
export async function isPrefetch(): Promise<boolean> {
  const h = await headers();
  return h.has("next-router-prefetch") || /prefetch/i.test(h.get("sec-purpose") ?? h.get("purpose") ?? "");
}

/**
 * The per-client budget of anonymous data, one per process (the proxy and the
 * pages are separate bundles): rebuilt only when the limits change (tests).
 */
function clientBudget(settings: SessionSettings): ClientBudget {
  const limits = { newSessions: settings.anonymousNewPerMinute, bytes: settings.anonymousBytesPerMinute };
  const state = processState();
  const current = state.clientBudget;
  if (current?.limits.newSessions === limits.newSessions && current.limits.bytes === limits.bytes) return current;
  return (state.clientBudget = new ClientBudget(limits));
}

/** The Session's options, from the settings and hooks; `serverSide`: the engine stores data on the server, so it has a budget. */
export function sessionOptions(settings: SessionSettings, hooks?: SessionHooks, serverSide = true): SessionOptions {
  const { cookieAge, expireAtBrowserClose, saveEveryRequest, maxBytes, absoluteAge, anonymousMaxBytes } = settings;
  const budget = serverSide ? clientBudget(settings) : undefined;
  return { cookieAge, expireAtBrowserClose, saveEveryRequest, maxBytes, anonymousMaxBytes, absoluteAge, budget, hooks };
}

/** What an app uses: built once, by `createSessions`, in one app-side file. */
export type Sessions = ReturnType<typeof createSessions>;

/**
 * The sessions of one Next.js app, Django's session middleware and
 * `request.session` in one: `getSession()` in server components and
 * actions, `withSession()` around route handlers, `proxy` for the app's
 * `proxy.ts`, the two route handlers it redirects to, and render-time writes.
 */
export function createSessions(config: SessionsConfig) {
  const { settings } = config;
  // A server-side store is the one that persists render-time writes: the cookie engine stores nothing here.
  const options = sessionOptions(settings, config.hooks, config.engine.writesDuringRender);

  async function requestSession({ routeHandler = false } = {}): Promise<Session> {
    const [jar, requestHeaders] = await Promise.all([cookies(), headers()]);
    if (storeRecentlyFailed()) {
      if (routeHandler) throw new SessionStoreUnavailableError(new Error("storage failed moments ago"));
      redirectToUnavailable(requestHeaders);
    }
    const opened = config.engine.open();
    const store = guardedStore(opened.store, routeHandler ? undefined : () => redirectToUnavailable(requestHeaders));
    const raw = jar.get(settings.cookieName)?.value;
    const incomingKey = (await opened.cookie.read(raw))?.key ?? null;
    const transport: SessionTransport = {
      incomingKey,
      hadCookie: raw !== undefined,
      keyIsNew: isNewKey(incomingKey, requestHeaders.get(NEW_KEY_HEADER)),
      writable: canSetCookies(jar),
      userAgent: requestHeaders.get("user-agent")?.slice(0, 512) ?? undefined,
      ...clientOf(config, requestHeaders),
      async sendKey(key, maxAge) {
        jar.set(settings.cookieName, await opened.cookie.write(key), cookieAttributes(settings, maxAge));
      },
      async deleteCookie() {
        jar.set(settings.cookieName, "", deletingCookieAttributes(settings));
        jar.set(CHECKED_COOKIE, "", deletingCookieAttributes(settings)); // the proxy runs on the next page load
      },
    };
    return new Session(store, options, transport);
  }

  /**
   * The request's session. In a server component every caller in one render
   * shares one object; in a server action or route handler call it once and
   * `await session.save()` before returning.
   */
  const getSession: () => Promise<Session> = cache(requestSession);

  /** Any storage call a page makes (the session's, or its own queries): a failure answers 503. */
  async function pageStorage<T>(call: Promise<T>): Promise<T> {
    try {
      return await guardStorage(call, "page storage");
    } catch (error) {
      if (error instanceof SessionStoreUnavailableError) redirectToUnavailable(await headers());
      throw error;
    }
  }

  /**
   * Runs a page's render-time write where it persists (see RenderWrite) and
   * returns what the page shows. A prefetch only reads: it is not a visit.
   */
  async function runRenderWrite<T>(declared: RenderWrite<T>): Promise<T> {
    const session = await getSession();
    if ((await isPrefetch()) || !config.engine.writesDuringRender) return declared.read(session);
    try {
      const result = await declared.write(session);
      await session.save();
      return result;
    } catch (error) {
      // No usable key (a tampered cookie, or one signed out elsewhere), and a render cannot set
      // one: fetch a fresh key and render this page again. Nothing was written.
      if (error instanceof SessionKeyRequiredError || error instanceof SessionInterruptedError) {
        redirect(`${RENEW_PATH}?next=${encodeURIComponent(declared.path)}`);
      }
      // Over the client's budget, or a full store: the page renders, the write is just not kept.
      if (error instanceof SessionBudgetError) return declared.read(session);
      throw error;
    }
  }

  /**
   * Route handler glue, Django's middleware: refuses an unsafe method from
   * another origin (403, before the session is touched, so no cookie is issued
   * or replaced), runs the handler with the session, saves it unless the
   * response is an error, and marks the response private and `Vary: Cookie`.
   */
  function withSession<Args extends [Request, ...unknown[]]>(
    handler: (session: Session, ...args: Args) => Promise<Response>,
  ): (...args: Args) => Promise<Response> {
    return async (...args) => {
      const [request] = args;
      if (!SAFE_METHODS.has(request.method) && !isSameOrigin(request)) {
        return jsonAnswer({ error: "Cross-origin requests may not change the session (send it from this site, with its Origin)" }, 403);
      }
      try {
        const session = await requestSession({ routeHandler: true });
        const response = await handler(session, ...args);
        // A refused request (4xx) changes nothing, not even what it changed before it was refused.
        if (response.status < 400) await session.save();
        if (session.accessed || session.modified) response.headers.append("Vary", "Cookie");
        response.headers.set("Cache-Control", "private, no-store");
        return response;
      } catch (error) {
        if (error instanceof SessionBudgetError) return jsonAnswer({ error: error.message }, error.status, { "Retry-After": "60" });
        if (!(error instanceof SessionStoreUnavailableError)) throw error;
        return jsonAnswer({ error: error.message }, 503, { "Retry-After": "2" });
      }
    };
  }

  /** Whether the cookie names a key that can still be used (not absent, forged or ended). */
  async function hasUsableKey(store: SessionStore, cookie: CookieCodec, cookieValue: string | undefined): Promise<boolean> {
    const contents = await cookie.read(cookieValue);
    if (!contents) return false;
    return (await guardStorage(store.load(contents.key))).state !== "ended";
  }

  /**
   * GET handler for RENEW_PATH: a fresh key for a browser whose key died, then
   * back. A usable key is never replaced, so a link from another site cannot
   * sign anyone out through here.
   */
  async function renewRoute(request: Request): Promise<Response> {
    const next = localPath(new URL(request.url).searchParams.get("next"));
    const jar = await cookies();
    const { store, cookie } = config.engine.open();
    try {
      if (!(await hasUsableKey(store, cookie, jar.get(settings.cookieName)?.value))) {
        jar.set(settings.cookieName, await cookie.write(newSessionKey()), cookieAttributes(settings, defaultMaxAge(settings)));
      }
    } catch (error) {
      if (error instanceof SessionStoreUnavailableError) return storageUnavailableResponse(next);
      throw error;
    }
    return new Response(null, { status: 303, headers: { Location: next, "Cache-Control": "no-store" } });
  }

  /** GET handler for UNAVAILABLE_PATH: the 503 page. */
  async function unavailableRoute(request: Request): Promise<Response> {
    return storageUnavailableResponse(localPath(new URL(request.url).searchParams.get("next")));
  }

  /**
   * Adds a one-time message for the next page this visitor loads (Django's
   * `messages.add_message`), in a server action or route handler; save the
   * session as after any change. The cookie it sets makes the proxy run on
   * that page, take the messages and hand them to `pageMessages()`.
   */
  async function addMessage(session: Session, level: MessageLevel, text: string): Promise<void> {
    const jar = await cookies();
    if (!canSetCookies(jar)) throw new Error("Messages are added in server actions and route handlers: a server component cannot set the cookie that shows them");
    if (await addSessionMessage(session, level, text, { minimumLevel: config.messageLevel })) {
      jar.set(MESSAGES_COOKIE, "1", cookieAttributes(settings, settings.cookieAge));
    }
  }

  /** The messages this page shows, each once (the proxy took them from the session); none on a prefetch. */
  async function pageMessages(): Promise<Message[]> {
    if (await isPrefetch()) return [];
    return decodeMessages((await headers()).get(MESSAGES_HEADER));
  }

  /** The app's `proxy.ts` calls this for the requests its matcher lets through. */
  function proxy(request: NextRequest): Promise<Response> {
    return handleProxy(request, config, options);
  }

  return { settings, getSession, withSession, pageStorage, runRenderWrite, isPrefetch, addMessage, pageMessages, proxy, renewRoute, unavailableRoute, ...sessionServices(config) };
}
