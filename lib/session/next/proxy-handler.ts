import type { NextRequest } from "next/server";
import { storeRecentlyFailed } from "../availability";
import type { SessionOptions } from "../session";
import type { SessionsConfig } from "./config";
import { ProxyContext, type ProxyStep } from "./proxy-context";
import { proxyResponse } from "./proxy-response";
import { idleRefresh, issueKey, renderWriteStep, requiredDataStep } from "./proxy-steps";
import { storageUnavailableResponse } from "./unavailable-page";

/** A step as the handler runs it: the app's steps (ProxyStep) see less of the context than the proxy's own. */
type ContextStep = (ctx: ProxyContext) => ReturnType<ProxyStep>;

/** The proxy's steps for one app, built once: its own, the app's (config.proxySteps), then the required-data check. */
export function proxySteps(config: SessionsConfig): readonly ContextStep[] {
  const own: ContextStep[] = [renderWriteStep(config.renderWrites ?? []), issueKey, idleRefresh];
  return [...own, ...(config.proxySteps ?? []), requiredDataStep(config.requiredData ?? [])];
}

/**
 * Runs before a page (the app's matcher says which): its usual cost is one
 * unseal and no database work. Opens the request's context, runs each step
 * over it (a step may answer on its own), then builds the response.
 */
export async function handleProxy(request: NextRequest, config: SessionsConfig, options: SessionOptions, steps: readonly ContextStep[]): Promise<Response> {
  if (storeRecentlyFailed()) return storageUnavailableResponse(request.nextUrl.pathname + request.nextUrl.search);
  const { store, cookie } = config.engine.open();
  const incoming = await cookie.read(request.cookies.get(config.settings.cookieName)?.value);
  const storage = { store, codec: cookie, options, clientAddress: config.clientAddress };
  const ctx = new ProxyContext(request, config.settings, config.engine.writesDuringRender, incoming, storage);
  for (const step of steps) {
    const answer = await step(ctx);
    if (answer) return answer;
  }
  return proxyResponse(ctx);
}
