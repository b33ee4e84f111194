import { db } from "../db/client";
import type { SessionOptions } from "./session";
import { secrets } from "./secret";
import { settings } from "./settings";
import { LibsqlStore } from "./stores/libsql";
import type { SessionStore } from "./types";

let store: SessionStore | undefined;

/** The engine SESSION_ENGINE names, created once per process. */
export function sessionStore(): SessionStore {
  store ??= new LibsqlStore(db(), secrets());
  return store;
}

export function sessionOptions(): SessionOptions {
  const { cookieAge, expireAtBrowserClose, saveEveryRequest, maxBytes } = settings();
  return { cookieAge, expireAtBrowserClose, saveEveryRequest, maxBytes };
}
