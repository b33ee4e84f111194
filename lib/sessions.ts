// The app's sessions, built once: the one place that reads the session's environment variables,
// generates the secret file, picks the engine and wires the lifecycle hooks to the security log.
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { renderWrites, requiredData } from "./render-writes";
import { db, type Database } from "./db/client";
import { clientAddressOf } from "./forwarded-for";
import { ENGINE_NAMES, engineNamed, type EngineResources } from "./engines";
import { readSettings, type LibsqlConnection, type SecretList, type SessionHooks, ImproperlyConfigured } from "./session";
import { createMessages } from "./session/messages";
import { createSessions } from "./session/next";
import { openRedis } from "./session/redis";

export const GENERATED_SECRET_FILE = "data/session-secret";

/** Reads the secret generated on first start, creating it (mode 0600) if missing. */
function generatedSecret(file: string): string {
  try {
    return readFileSync(file, "utf8").trim();
  } catch {
    const secret = randomBytes(32).toString("base64url");
    mkdirSync(dirname(file), { recursive: true });
    try {
      writeFileSync(file, secret + "\n", { mode: 0o600, flag: "wx" });
    } catch {
      // Another process won the race to create it: use theirs.
      return readFileSync(file, "utf8").trim();
    }
    if (process.env.NODE_ENV === "production") {
      console.warn(`[session] SESSION_SECRET is not set: generated one into ${file}. Set SESSION_SECRET in production.`);
    }
    return secret;
  }
}

/** SESSION_SECRET (a comma-separated list rotates), else one generated into data/ on first start. */
function secretsOf(settings: { secrets: SecretList | undefined }, env: NodeJS.ProcessEnv): SecretList {
  return settings.secrets ?? [generatedSecret(env.SESSION_SECRET_FILE || GENERATED_SECRET_FILE)];
}

/** The session store's view of the app's database: its client, and the local file when it is one. */
export function libsqlConnection(database: Database): LibsqlConnection {
  return { client: database.$client, local: database.$local };
}

/** REDIS_CLUSTER_NODES (host:port, comma-separated) selects a Redis Cluster; else REDIS_URL. */
export function redisTarget(env: NodeJS.ProcessEnv): { clusterNodes: string[] } | { url: string } {
  const nodes = (env.REDIS_CLUSTER_NODES ?? "").split(",").map((node) => node.trim()).filter(Boolean);
  const malformed = nodes.filter((node) => !/^[\w.-]+:\d{1,5}$/.test(node));
  if (malformed.length > 0) throw new ImproperlyConfigured(`REDIS_CLUSTER_NODES must list host:port entries, comma-separated (got ${JSON.stringify(malformed[0])})`);
  return nodes.length > 0 ? { clusterNodes: nodes } : { url: env.REDIS_URL || "redis://127.0.0.1:6379" };
}

/** The app's resources, opened when the engine needs them: its database, a Redis from REDIS_URL or REDIS_CLUSTER_NODES, SESSION_FILE_PATH. */
function appResources(env: NodeJS.ProcessEnv, filePath: string): EngineResources {
  return {
    libsql: () => libsqlConnection(db()),
    redis: () => ({ connection: openRedis(redisTarget(env)).connection }),
    directory: () => filePath,
  };
}

/** Security-relevant moments, one log line each (never a key or cookie value). */
const SECURITY_LOG: SessionHooks = {
  rotated: ({ userAgent }) => console.info("[session:security] key rotated", JSON.stringify({ userAgent })),
  flushed: ({ userAgent }) => console.info("[session:security] session flushed", JSON.stringify({ userAgent })),
  endedElsewhere: ({ count, userAgent }) => console.info("[session:security] other sessions ended", JSON.stringify({ count, userAgent })),
  swept: ({ count }) => console.info(`[session] swept ${count} expired session${count === 1 ? "" : "s"}`),
};

/** Django's messages, beside the sessions (built from them on first use; their proxy step goes into the config). */
const messages = createMessages(sessions);

function build() {
  const settings = readSettings(process.env, ENGINE_NAMES);
  const secrets = secretsOf(settings, process.env);
  const engineOptions = { secrets, cookieName: settings.cookieName, maxAnonymousSessions: settings.anonymousMaxSessions };
  const engine = engineNamed(settings.engine).build(appResources(process.env, settings.filePath), engineOptions);
  // The TCP peer, or the entry SESSION_TRUSTED_PROXIES says (lib/forwarded-for.ts): for the device list, the throttle and the budgets.
  const clientAddress = (requestHeaders: Headers) => clientAddressOf(requestHeaders, settings.trustedProxies);
  const sessions = createSessions({ engine, settings, renderWrites, requiredData, hooks: SECURITY_LOG, clientAddress, proxySteps: [messages.proxyStep] });
  return { ...sessions, secrets, clientAddress };
}

let built: ReturnType<typeof build> | undefined;

/** The app's sessions, built on first use (a configuration error surfaces where it is first needed: at start). */
export function sessions(): ReturnType<typeof build> {
  built ??= build();
  return built;
}

// What pages, actions and route handlers use.
export const getSession = () => sessions().getSession();
/** Route handlers are wrapped at import (even while `next build` collects them): built on the first request. */
export const withSession: ReturnType<typeof build>["withSession"] = (handler) => (...args) => sessions().withSession(handler)(...args);
export const runRenderWrite: ReturnType<typeof build>["runRenderWrite"] = (declared) => sessions().runRenderWrite(declared);
export const pageStorage: ReturnType<typeof build>["pageStorage"] = (call) => sessions().pageStorage(call);
export const addMessage = messages.add;
export const pageMessages = messages.pageMessages;
