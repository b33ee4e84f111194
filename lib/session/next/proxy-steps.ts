import { defaultMaxAge } from "../key-cookie";
import { newSessionKey } from "../keys";
import type { RenderWrite, RequiredData } from "../render-write";
import type { ProxyContext } from "./proxy-context";

/**
 * The proxy's own steps, in the order it runs them (proxy-handler.ts); the
 * app's steps (SessionsConfig.proxySteps) run after these and before the
 * required-data check.
 */

/** Cookie engine: a page's declared render-time write runs here, where a cookie can be set. */
export function renderWriteStep(renderWrites: readonly RenderWrite<unknown>[]) {
  return async function renderWriteInProxy(ctx: ProxyContext): Promise<Response | void> {
    if (ctx.writesDuringRender || !ctx.isPageLoad || ctx.request.method !== "GET") return;
    const renderWrite = renderWrites.find((w) => w.path === ctx.path);
    if (!renderWrite) return;
    if (ctx.sessionWritesLost) return ctx.browserLoadsItself();
    await renderWrite.write(ctx.session());
    await ctx.session().save();
    ctx.sessionWritten = true;
  };
}

/**
 * No valid cookie on a page load (a server-side engine): a sealed key, so a
 * server component can write while it renders; the row appears only when data
 * is first written. A rejected cookie is dropped here, so it is checked (and
 * logged) once.
 */
export async function issueKey(ctx: ProxyContext): Promise<void> {
  if (ctx.sessionWritten || ctx.incoming) return;
  if (ctx.writesDuringRender && ctx.isPageLoad) {
    ctx.issuedKey = newSessionKey();
    ctx.outgoing = { value: await ctx.codec.write(ctx.issuedKey), maxAge: defaultMaxAge(ctx.settings) };
  } else if (ctx.request.cookies.has(ctx.settings.cookieName)) {
    ctx.outgoing = { deleted: true };
  }
}

/** A cookie older than SESSION_REFRESH_INTERVAL: the session's expiry and the cookie's Max-Age move forward (one write per interval). */
export async function idleRefresh(ctx: ProxyContext): Promise<void> {
  const { incoming, settings } = ctx;
  if (ctx.sessionWritten || !incoming || !ctx.isPageLoad || settings.refreshInterval <= 0) return;
  if (Date.now() - incoming.sealedAt > settings.refreshInterval * 1000) await ctx.session().refresh();
}

/** A requiredData page whose keys are missing goes to the not-found page (proxy-response.ts rewrites it). */
export function requiredDataStep(requiredData: readonly RequiredData[]) {
  return async function checkRequiredData(ctx: ProxyContext): Promise<void> {
    const required = ctx.isPageLoad ? requiredData.find((r) => r.path === ctx.path) : undefined;
    if (!required) return;
    try {
      for (const key of required.keys) ctx.missingData ||= !(await ctx.session().has(key));
    } catch {
      ctx.missingData = false; // storage failed: the page itself loads the session and answers 503
    }
  };
}
