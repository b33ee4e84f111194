import { cookies } from "next/headers";
import { connection } from "next/server";
import { guardStorage } from "../availability";
import { cookieAttributes, defaultMaxAge } from "../key-cookie";
import { SessionBudgetError, SessionStoreUnavailableError } from "../errors";
import { newSessionKey } from "../keys";
import { localPath } from "../local-path";
import type { Session } from "../session";
import type { SessionSettings } from "../settings";
import type { CookieCodec, SessionEngine, SessionStore } from "../types";
import { isSameOrigin } from "./same-origin";
import { storageUnavailableResponse } from "./unavailable-page";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** A JSON answer of the session routes: never cached by anyone but this browser. */
function jsonAnswer(body: object, status: number, extraHeaders: Record<string, string> = {}): Response {
  return Response.json(body, { status, headers: { "Cache-Control": "private, no-store", ...extraHeaders } });
}

/**
 * Route handler glue, Django's middleware: refuses an unsafe method from
 * another origin (403, before the session is touched, so no cookie is issued
 * or replaced), runs the handler with the session, saves it unless the
 * response is an error, and marks the response private and `Vary: Cookie`.
 */
export function withSession<Args extends [Request, ...unknown[]]>(
  openSession: () => Promise<Session>,
  handler: (session: Session, ...args: Args) => Promise<Response>,
): (...args: Args) => Promise<Response> {
  return async (...args) => {
    await connection(); // never prerendered: at build (cacheComponents) this waits for a real request
    const [request] = args;
    if (!SAFE_METHODS.has(request.method) && !isSameOrigin(request)) {
      return jsonAnswer({ error: "Cross-origin requests may not change the session (send it from this site, with its Origin)" }, 403);
    }
    try {
      const session = await openSession();
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
export async function renewRoute(engine: SessionEngine, settings: SessionSettings, request: Request): Promise<Response> {
  await connection();
  const next = localPath(new URL(request.url).searchParams.get("next"));
  const jar = await cookies();
  const { store, cookie } = engine.open();
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
export async function unavailableRoute(request: Request): Promise<Response> {
  await connection();
  return storageUnavailableResponse(localPath(new URL(request.url).searchParams.get("next")));
}
