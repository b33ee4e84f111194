import type { RenderWrite, RequiredData } from "../render-write";
import type { SessionSettings } from "../settings";
import type { SessionEngine, SessionHooks } from "../types";
import type { ClientAddressReader } from "./client-identity";
import type { ProxyStep } from "./proxy-context";

/** Everything the sessions of one app are built from: nothing is read from the environment here. */
export interface SessionsConfig {
  /** Where sessions are kept and what the cookie carries (serverSideEngine(store, secrets), cookieEngine(…)). */
  engine: SessionEngine;
  /** Cookie attributes, ages and limits (readSettings() parses them from Django's variable names). */
  settings: SessionSettings;
  /** Writes pages make while rendering (a visit counter), declared once: see RenderWrite. */
  renderWrites?: readonly RenderWrite<unknown>[];
  /** Pages that answer 404 until the session holds some keys: see RequiredData. */
  requiredData?: readonly RequiredData[];
  /** Lifecycle events (created, rotated, flushed, ended elsewhere, swept), e.g. for a security log. */
  hooks?: SessionHooks;
  /** The app's own steps in the proxy (e.g. the messages' `proxyStep`), run after the session's key steps: see ProxyStep. */
  proxySteps?: readonly ProxyStep[];
  /**
   * The client's address as this deployment can trust it (which proxy's
   * X-Forwarded-For entry), for the device list: stored cut to its network.
   */
  clientAddress?: ClientAddressReader;
}
