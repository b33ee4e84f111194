import type { NextRequest } from "next/server";
import { cache } from "react";
import type { RenderWrite } from "../render-write";
import type { Session } from "../session";
import type { SessionsConfig } from "./config";
import { actionCookies, forwarded, isPrefetch, pageStorage, runRenderWrite } from "./page";
import { handleProxy, proxySteps } from "./proxy-handler";
import { requestSession } from "./request-session";
import { renewRoute, unavailableRoute, withSession } from "./routes";
import { sessionOptions } from "./options";
import { sessionServices } from "../services";

export type { SessionsConfig };
export { isPrefetch };
export { isSameOrigin } from "./same-origin";
export { RENEW_PATH, UNAVAILABLE_PATH } from "./paths";

/** What an app uses: built once, by `createSessions`, in one app-side file. */
export type Sessions = ReturnType<typeof createSessions>;

/**
 * The sessions of one Next.js app, Django's session middleware and
 * `request.session` in one: `getSession()` in server components and
 * actions, `withSession()` around route handlers, `proxy` for the app's
 * `proxy.ts`, the two route handlers it redirects to, and render-time writes.
 * It only wires: each piece is in its own file (page.ts, routes.ts, proxy-handler.ts).
 */
export function createSessions(config: SessionsConfig) {
  const { settings, engine } = config;
  // A server-side store is the one that persists render-time writes: the cookie engine stores nothing here.
  const options = sessionOptions(settings, config.hooks, engine.writesDuringRender);
  const steps = proxySteps(config);
  /** The request's session: one per render, shared by every component; in an action or route handler, call it once and save. */
  const getSession: () => Promise<Session> = cache(() => requestSession(config, options, false));
  const routeSession = () => requestSession(config, options, true);
  return {
    settings,
    getSession,
    withSession: <Args extends [Request, ...unknown[]]>(handler: (session: Session, ...args: Args) => Promise<Response>) => withSession(routeSession, handler),
    pageStorage,
    runRenderWrite: async <T>(declared: RenderWrite<T>): Promise<T> => runRenderWrite(await getSession(), declared, engine.writesDuringRender),
    isPrefetch,
    /** A value one of config.proxySteps forwarded to this render, or null. */
    forwarded,
    /** Sets cookies of the app's own from a server action or route handler; throws in a render. */
    actionCookies: () => actionCookies(settings),
    /** The app's `proxy.ts` calls this for the requests its matcher lets through. */
    proxy: (request: NextRequest): Promise<Response> => handleProxy(request, config, options, steps),
    renewRoute: (request: Request) => renewRoute(engine, settings, request),
    unavailableRoute,
    /** The app's own cookies' attributes, the expiry sweep, cleanup, the required-data page's path. */
    ...sessionServices(config),
  };
}
