/** A value or key the session cannot store (a TypeError, as for any bad argument); nothing changed. */
export class SessionValueError extends TypeError {
  override name = "SessionValueError";
}

/** Thrown when a payload would exceed SESSION_MAX_BYTES; the session is left as it was. */
export class SessionTooLargeError extends Error {
  override name = "SessionTooLargeError";
  constructor(
    readonly bytes: number,
    readonly limit: number,
    what = "SESSION_MAX_BYTES",
  ) {
    super(`Session data too large: ${bytes} bytes exceeds ${what} (${limit})`);
  }
}

/** Django's KeyError from `pop` without a fallback. */
export class DataKeyError extends Error {
  override name = "DataKeyError";
  constructor(readonly key: string) {
    super(`Session has no key ${JSON.stringify(key)}`);
  }
}

/** Django's SessionInterrupted: the key died (flush, sign-out elsewhere) while this request used it. */
export class SessionInterruptedError extends Error {
  override name = "SessionInterruptedError";
  constructor() {
    super(
      "The request's session was deleted before the request completed. " +
        "The user may have logged out in a concurrent request, for example.",
    );
  }
}

/** A server component must write but has no usable key, and cannot set a cookie. */
export class SessionKeyRequiredError extends Error {
  override name = "SessionKeyRequiredError";
  constructor() {
    super("This render has no usable session key and cannot set a cookie: declare the write as a RenderWrite");
  }
}

/** The session store (database) cannot be reached; pages answer 503. */
export class SessionStoreUnavailableError extends Error {
  override name = "SessionStoreUnavailableError";
  constructor(cause: unknown) {
    super("Session storage is unavailable", { cause });
  }
}

/** The engine in use cannot do this (e.g. list devices with the cookie engine). */
export class SessionEngineUnsupportedError extends Error {
  override name = "SessionEngineUnsupportedError";
}

/**
 * A write the server will not store for a visitor who is not signed in: its
 * client's budget (new sessions or bytes per minute) is spent (status 429),
 * or the store is full (status 507). Nothing changed; reads still work.
 */
export class SessionBudgetError extends Error {
  override name = "SessionBudgetError";
  constructor(
    readonly status: 429 | 507,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** The client's budget of anonymous session data is spent for now (429). */
export class SessionBudgetExceededError extends SessionBudgetError {
  override name = "SessionBudgetExceededError";
  constructor(what: string) {
    super(429, `Too many new sessions or too much session data from this client: ${what}. Try again in a minute, or sign in.`);
  }
}

/** The store has no room (disk full, Redis at maxmemory) even after evicting anonymous sessions (507). */
export class SessionStoreFullError extends SessionBudgetError {
  override name = "SessionStoreFullError";
  constructor(cause?: unknown) {
    super(507, "Session storage is full: this change was not stored", { cause });
  }
}

/** A setting's value cannot be used (Django's ImproperlyConfigured): the message names the variable. */
export class ImproperlyConfigured extends Error {
  override name = "ImproperlyConfigured";
}
