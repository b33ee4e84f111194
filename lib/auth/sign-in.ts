import { SessionTooLargeError, type Session, type SecretList } from "../session";
import { eq } from "drizzle-orm";
import type { Database } from "../db/client";
import { users } from "../db/schema";
import { AUTH_USER_HASH, AUTH_USER_ID, sessionAuthHash, sessionAuthHashMatches } from "./session-auth";
import type { User } from "./users";

/** The user id a session claims, unchecked (see signedInUser for the check). */
export async function claimedUserId(session: Session): Promise<number | null> {
  const id = await session.get(AUTH_USER_ID);
  return typeof id === "number" && Number.isSafeInteger(id) ? id : null;
}

async function credentials(database: Database, id: number) {
  const [row] = await database.select().from(users).where(eq(users.id, id));
  return row;
}

/**
 * Django's get_user: the user a session is signed in as, or null. The user
 * must still exist and the session's hash match their current password
 * hash: a changed password signs every older session out.
 */
export async function signedInUser(session: Session, database: Database, secrets: SecretList): Promise<User | null> {
  const id = await claimedUserId(session);
  if (id === null) return null;
  const row = await credentials(database, id);
  if (!row || !sessionAuthHashMatches(await session.get(AUTH_USER_HASH), row.passwordHash, secrets)) return null;
  return { id: row.id, username: row.username };
}

/**
 * Django's login(): a new key for the signed-in session, so a key planted
 * before sign-in (session fixation) is dead after it. Another user's
 * session is flushed rather than carried over. The user goes under reserved
 * keys; the store copies `_auth_user_id` into the row's user_id column for
 * the device list.
 */
export async function signIn(session: Session, user: User, database: Database, secrets: SecretList): Promise<void> {
  const row = await credentials(database, user.id);
  if (!row) throw new Error(`signIn: no user ${user.id}`);
  const previous = await claimedUserId(session);
  if (previous !== null && previous !== user.id) await session.flush();
  else await session.cycleKey({ restartAge: true }); // a new authentication: SESSION_ABSOLUTE_AGE counts from here
  const signInKeys = async () => {
    await session.setReserved(AUTH_USER_ID, user.id);
    await session.setReserved(AUTH_USER_HASH, sessionAuthHash(row.passwordHash, secrets));
  };
  try {
    await signInKeys();
  } catch (error) {
    // An anonymous session filled to SESSION_MAX_BYTES must not lock its owner out: start clean.
    if (!(error instanceof SessionTooLargeError)) throw error;
    await session.flush();
    await signInKeys();
  }
  await session.save();
}

/**
 * Django's update_session_auth_hash, after the user's password changed: every
 * other session of the user ends, and this one carries on signed in under a
 * new key with the hash of the new password.
 */
export async function keepSignedInAfterPasswordChange(session: Session, user: User, newPasswordHash: string, secrets: SecretList): Promise<number> {
  const ended = await session.endOtherUserSessions(user.id);
  await session.cycleKey();
  await session.setReserved(AUTH_USER_HASH, sessionAuthHash(newPasswordHash, secrets));
  await session.save();
  return ended;
}

/** Django's logout(): the row and the cookie go, the key is dead. */
export async function signOut(session: Session): Promise<void> {
  await session.flush();
}
