import { clearExpiredSessions } from "./clear";
import { cookieAttributes, defaultMaxAge, deletingCookieAttributes, type CookieAttributes } from "./key-cookie";
import { verifyForwarded } from "./forwarded";
import { MISSING_DATA_HEADER } from "./render-write";
import type { SessionSettings } from "./settings";
import { startExpirySweep } from "./sweep";
import type { SessionEngine, SessionHooks } from "./types";

/** What the services are built from: the parts of SessionsConfig they use. */
interface ServicesConfig {
  engine: SessionEngine;
  settings: SessionSettings;
  hooks?: SessionHooks;
}

/**
 * What an app reaches through its built sessions besides a request's session,
 * so that it needs no more of the library's names: its own cookies'
 * attributes (the session cookie's Path, Domain, Secure, SameSite), the
 * expiry sweep, Django's clearsessions, and the page whose data was missing.
 */
export function sessionServices({ engine, settings, hooks }: ServicesConfig) {
  return {
    /** Attributes for a cookie of the app's beside the session's: `maxAgeSeconds` (null: until the browser closes), default the session cookie's age. */
    cookieOptions(maxAgeSeconds: number | null = defaultMaxAge(settings)): CookieAttributes {
      return cookieAttributes(settings, maxAgeSeconds);
    },
    /** Attributes that delete such a cookie: empty value, Max-Age=0, Expires in 1970. */
    deletingCookieOptions(): CookieAttributes {
      return deletingCookieAttributes(settings);
    },
    /**
     * Deletes expired sessions in the background, one bounded batch every
     * SESSION_SWEEP_INTERVAL seconds (a server-side engine only: cookies keep
     * nothing to sweep). Returns a function that stops it.
     */
    startSweep(onError: (error: unknown) => void): () => void {
      if (!engine.writesDuringRender) return () => {};
      return startExpirySweep(engine.open().store, settings.sweepInterval, onError, hooks);
    },
    /** Django's clearsessions: deletes every expired session, in bounded batches; returns how many. */
    clearExpired(batchSize?: number): Promise<number> {
      return clearExpiredSessions(engine.open().store, batchSize, hooks);
    },
    /**
     * The page whose required session data was missing (see RequiredData), in the not-found page's
     * request headers; else null. Signed by the proxy: where it did not run, a client could send the header.
     */
    missingDataPath(requestHeaders: Headers): string | null {
      return verifyForwarded(MISSING_DATA_HEADER, requestHeaders.get(MISSING_DATA_HEADER));
    },
  };
}
