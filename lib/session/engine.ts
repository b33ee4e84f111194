import { db } from "../db/client";
import type { SessionOptions } from "./session";
import { secrets } from "./secret";
import { settings } from "./settings";
import { CookieStore } from "./stores/cookie";
import { LibsqlStore } from "./stores/libsql";
import type { SessionStore } from "./types";

let shared: LibsqlStore | undefined;

/** The store SESSION_ENGINE names, for one request (the cookie engine keeps per-request state). */
export function requestStore(): SessionStore {
  if (settings().engine === "cookie") return new CookieStore(secrets(), settings().cookieName);
  shared ??= new LibsqlStore(db(), secrets());
  return shared;
}

export function sessionOptions(): SessionOptions {
  const { cookieAge, expireAtBrowserClose, saveEveryRequest, maxBytes, absoluteAge } = settings();
  return { cookieAge, expireAtBrowserClose, saveEveryRequest, maxBytes, absoluteAge };
}
