import type { SessionSettings } from "./settings";
import type { SecretList } from "./secret";
import { seal, unseal } from "./seal";
import { isWellFormedKey } from "./keys";
import { securityEvent } from "./log";
import type { CookieCodec, CookieContents, SessionEngine, SessionStore } from "./types";

/** The attributes of the session cookie, as Next's `cookies().set()` takes them. */
export interface CookieAttributes {
  path: string;
  domain?: string;
  secure: boolean;
  httpOnly: boolean;
  sameSite: "strict" | "lax" | "none";
  maxAge?: number;
  expires?: Date;
}

function baseAttributes(settings: SessionSettings): CookieAttributes {
  return {
    path: settings.cookiePath,
    ...(settings.cookieDomain ? { domain: settings.cookieDomain } : {}),
    secure: settings.cookieSecure,
    httpOnly: settings.cookieHttpOnly,
    sameSite: settings.cookieSameSite.toLowerCase() as CookieAttributes["sameSite"],
  };
}

/** A persistent cookie carries both Max-Age and Expires; a browser-session cookie neither. */
export function cookieAttributes(settings: SessionSettings, maxAgeSeconds: number | null): CookieAttributes {
  if (maxAgeSeconds === null) return baseAttributes(settings);
  return { ...baseAttributes(settings), maxAge: maxAgeSeconds, expires: new Date(Date.now() + maxAgeSeconds * 1000) };
}

/** Max-Age of a newly issued key: the setting's age, or none for a browser-session cookie. */
export function defaultMaxAge(settings: SessionSettings): number | null {
  return settings.expireAtBrowserClose ? null : settings.cookieAge;
}

/** Deleting cookie: empty value, Max-Age=0, Expires in 1970, same Path and Domain. */
export function deletingCookieAttributes(settings: SessionSettings): CookieAttributes {
  return { ...baseAttributes(settings), maxAge: 0, expires: new Date(0) };
}

/** Browsers keep about 4 KB per cookie; anything longer was not set by us. */
const MAX_COOKIE_CHARS = 4096;

/** The session key a cookie value carries, or null when it is absent, forged or damaged. */
export async function keyFromCookie(value: string | undefined, secrets: SecretList): Promise<string | null> {
  return (await readKeyCookie(value, secrets))?.key ?? null;
}

export async function readKeyCookie(value: string | undefined, secrets: SecretList): Promise<CookieContents | null> {
  if (!value) return null;
  if (value.length > MAX_COOKIE_CHARS) {
    securityEvent("oversized session cookie", { length: value.length });
    return null;
  }
  const data = await unseal(value, secrets, (reason) => securityEvent("session cookie rejected", { reason }));
  if (!data) return null;
  if (!isWellFormedKey(data.k)) {
    securityEvent("session cookie rejected", { reason: "malformed key" });
    return null;
  }
  return { key: data.k, sealedAt: typeof data.t === "number" ? data.t : 0 };
}

/** Sealed key and seal time, one letter each: the fields travel in every request's cookie. */
export function sealKey(key: string, secrets: SecretList): Promise<string> {
  return seal({ k: key, t: Date.now() }, secrets);
}

/** The codec of a server-side store's cookie: the sealed key only. */
export function keyCookie(secrets: SecretList): CookieCodec {
  return { read: (value) => readKeyCookie(value, secrets), write: (key) => sealKey(key, secrets) };
}

/** What every server-side engine factory takes (libsqlEngine, fileEngine, redisEngine, cachedDbEngine). */
export interface ServerSideEngineOptions {
  /** Seal the cookie's key: the first seals, every one unseals (SESSION_SECRET). */
  secrets: SecretList;
  /** SESSION_ANONYMOUS_MAX_SESSIONS: sessions without a signed-in user kept at most (default: no bound). */
  maxAnonymousSessions?: number;
}

/** A server-side store with the sealed-key cookie: one shared store, so writes during render persist. */
export function serverSideEngine(store: SessionStore, secrets: SecretList): SessionEngine {
  const opened = { store, cookie: keyCookie(secrets) };
  return { open: () => opened, writesDuringRender: true };
}
