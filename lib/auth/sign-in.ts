import type { Session } from "../session/session";
import type { User } from "./users";

/** The signed-in user a session names, or null (no check against the users table). */
export async function sessionUser(session: Session): Promise<User | null> {
  const [id, username] = [await session.get("user_id"), await session.get("username")];
  return typeof id === "number" && typeof username === "string" ? { id, username } : null;
}

/**
 * Django's login(): a new key for the signed-in session, so a key planted
 * before sign-in (session fixation) is dead after it. Another user's
 * session is flushed rather than carried over. Stores `user_id`, which the
 * store copies into the row's user_id column for the device list.
 */
export async function signIn(session: Session, user: User): Promise<void> {
  const previous = await session.get("user_id");
  if (previous !== undefined && previous !== user.id) await session.flush();
  else await session.cycleKey();
  await session.update({ user_id: user.id, username: user.username });
  await session.save();
}

/** Django's logout(): the row and the cookie go, the key is dead. */
export async function signOut(session: Session): Promise<void> {
  await session.flush();
}
