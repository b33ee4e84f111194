import { SessionStoreFullError } from "../errors";

/**
 * Runs a write; when the store is full (`isFull`), makes room (`evict`: the
 * oldest anonymous sessions) and tries once more, then refuses the write with
 * SessionStoreFullError (a 507) rather than report the store unavailable:
 * reads still work, and a signed-in user's writes find the room evicted.
 */
export async function withRoom<T>(attempt: () => Promise<T>, isFull: (error: unknown) => boolean, evict: () => Promise<unknown>): Promise<T> {
  try {
    return await attempt();
  } catch (error) {
    if (!isFull(error)) throw error;
    try {
      await evict();
      return await attempt();
    } catch (again) {
      if (isFull(again)) throw new SessionStoreFullError(again);
      throw again;
    }
  }
}
