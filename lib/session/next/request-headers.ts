import { hashKey } from "../keys";

/**
 * What the session's proxy handler tells the render through request headers,
 * and the cookie it leaves so the app's proxy matcher can skip a browser it
 * checked lately. The matcher in the app's `proxy.ts` must name these
 * literally (Next reads it at build time); a test compares them.
 */

/** Set on every request the proxy handles: where to come back to after a key renewal. */
export const RETURN_TO_HEADER = "x-session-return-to";
/** Set when the proxy issued the request's key itself, so the page skips loading it. */
export const NEW_KEY_HEADER = "x-session-new-key";
/**
 * Set by the proxy, for SESSION_REFRESH_INTERVAL, naming the engine. Running
 * a proxy at all costs Next a noticeable share of a small page (docs/DESIGN.md, "The proxy runs only when it has work"), so the
 * app's proxy matcher skips requests that carry this cookie: the proxy runs
 * for a browser's first request, once per refresh interval, and (with the
 * cookie engine) on the pages that write while rendering.
 */
export const CHECKED_COOKIE = "session_checked";

/**
 * Its value says where render-time writes run, for the matcher's second rule
 * (the proxy on every visit of those pages when they run there).
 */
export const CHECKED_VALUE = { writesInPage: "db", writesInProxy: "cookie" } as const;

/** The header value that marks `key` as issued for this request (a client cannot know it: keys are sealed). */
export function newKeyMark(key: string): string {
  return hashKey(key).slice(0, 16);
}

/**
 * Next's own header on the request it makes to render the page a server
 * action redirected to (Next drops the cookies that render's proxy sets).
 */
export const ACTION_REDIRECT_HEADER = "x-action-redirect";

/** A prefetch (Next's router, or a browser's speculative load): not a visit, so nothing is written for it. */
export function isPrefetchRequest(requestHeaders: Headers): boolean {
  return requestHeaders.has("next-router-prefetch") || /prefetch/i.test(requestHeaders.get("sec-purpose") ?? requestHeaders.get("purpose") ?? "");
}
