import { SessionEngineUnsupportedError, SessionTooLargeError, type Session, type SecretList } from "../session";
import { eq } from "drizzle-orm";
import type { Database } from "../db/client";
import { users } from "../db/schema";
import { AUTH_USER_HASH, AUTH_USER_ID, sessionAuthHash, sessionAuthHashMatches } from "./session-auth";
import { storedPasswordHash, type User, type VerifiedCredentials } from "./users";

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
 * Closes the race between a sign-in and a password change, across processes
 * and on every engine. A change writes the new hash and only then ends the
 * user's other sessions; a sign-in writes its session (bound to the hash it
 * verified) and only then re-reads the stored hash. Either the re-read comes
 * after the change's write and sees the new hash, and this session ends
 * itself; or it comes before it, and then so did this session's write, which
 * the change's "end the others" (later still) finds and ends. No order leaves
 * a session bound to the old hash alive.
 */
async function confirmPasswordUnchanged(session: Session, userId: number, boundHash: string, database: Database): Promise<boolean> {
  if ((await storedPasswordHash(database, userId)) === boundHash) return true;
  await session.flush();
  return false;
}

/**
 * Django's login(): a new key for the signed-in session, so a key planted
 * before sign-in (session fixation) is dead after it. Another user's
 * session is flushed rather than carried over. The user goes under reserved
 * keys, bound to the password hash that was verified (never one read again
 * later: a change in between would bind an old password's sign-in to the new
 * hash); the store copies `_auth_user_id` into the row's user_id column for
 * the device list. Returns false, with the session ended, when the password
 * changed between the check and the session's write (see confirmPasswordUnchanged).
 */
export async function signIn(session: Session, verified: VerifiedCredentials, database: Database, secrets: SecretList): Promise<boolean> {
  const { user, passwordHash } = verified;
  const previous = await claimedUserId(session);
  if (previous !== null && previous !== user.id) await session.flush();
  const signInKeys = async () => {
    await session.setReserved(AUTH_USER_ID, user.id);
    await session.setReserved(AUTH_USER_HASH, sessionAuthHash(passwordHash, secrets));
  };
  try {
    await signInKeys();
  } catch (error) {
    // An anonymous session filled to SESSION_MAX_BYTES must not lock its owner out: start clean.
    if (!(error instanceof SessionTooLargeError)) throw error;
    await session.flush();
    await signInKeys();
  }
  // The keys first, then the new key: the rotation writes a signed-in session, which no visitor's
  // anonymous budget limits (a neighbour behind the same address cannot block this sign-in).
  // A new authentication: SESSION_ABSOLUTE_AGE counts from here.
  await session.cycleKey({ restartAge: true });
  await session.save();
  return confirmPasswordUnchanged(session, user.id, passwordHash, database);
}

/** What a password change did to the user's sessions. */
export interface PasswordChangeOutcome {
  /** This session stays signed in (false: a later change won the race, and it ended). */
  signedIn: boolean;
  /** Other sessions ended, or null where the engine keeps none server-side (their old hash already signs them out). */
  othersEnded: number | null;
}

/**
 * Django's update_session_auth_hash, after the user's password changed (its
 * new hash written first: see confirmPasswordUnchanged): every other session
 * of the user ends, and this one carries on signed in under a new key with
 * the hash of the new password. The cookie engine cannot end other sessions;
 * there the hash binding alone signs them out.
 */
export async function keepSignedInAfterPasswordChange(session: Session, user: User, newPasswordHash: string, database: Database, secrets: SecretList): Promise<PasswordChangeOutcome> {
  let othersEnded: number | null;
  try {
    othersEnded = await session.endOtherUserSessions(user.id);
  } catch (error) {
    if (!(error instanceof SessionEngineUnsupportedError)) throw error;
    othersEnded = null;
  }
  // The keys before the new key: if another device ended this session meanwhile, the rotation
  // keeps what this request set, so the user who just proved the password stays signed in.
  await session.setReserved(AUTH_USER_ID, user.id);
  await session.setReserved(AUTH_USER_HASH, sessionAuthHash(newPasswordHash, secrets));
  await session.cycleKey();
  await session.save();
  return { signedIn: await confirmPasswordUnchanged(session, user.id, newPasswordHash, database), othersEnded };
}

/** Django's logout(): the row and the cookie go, the key is dead. */
export async function signOut(session: Session): Promise<void> {
  await session.flush();
}
