import type { Session } from "./session";

/**
 * A write a page makes while it renders (a visit counter), declared once so
 * it can run where its cookie can be set: in the page itself when the engine
 * persists render-time writes (db), else in the proxy just before the page
 * renders (cookie engine: a server component cannot set cookies).
 */
export interface RenderWrite<T> {
  /** The page's path. */
  path: string;
  /** Makes the write; returns what the page shows. */
  write(session: Session): Promise<T>;
  /** What the page shows without writing (after the proxy wrote, or on a prefetch). */
  read(session: Session): Promise<T>;
}

/**
 * A page that answers 404 until the session holds some keys (/getsession).
 * Next renders a page's notFound() into the flight payload only (a blank page
 * without JavaScript, vercel/next.js#62228), while an unmatched URL gets real
 * HTML: so the proxy checks the keys first and, when one is missing, rewrites
 * the request to an unmatched URL, naming the page in MISSING_DATA_HEADER
 * for the app's not-found page to say what is missing.
 */
export interface RequiredData {
  path: string;
  keys: readonly string[];
}

/** Request header the proxy sets on such a rewrite: the path of the page whose data is missing. */
export const MISSING_DATA_HEADER = "x-session-missing-data";
