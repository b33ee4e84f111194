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
