import { ClientBudget } from "../budget";
import { processState } from "../process-state";
import type { SessionOptions } from "../session";
import type { SessionSettings } from "../settings";
import type { SessionHooks } from "../types";

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
