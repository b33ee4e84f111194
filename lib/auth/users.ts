import { eq } from "drizzle-orm";
import type { Database } from "../db/client";
import { users } from "../db/schema";
import { MAX_INPUT_LENGTH } from "./input-limits";
import { decoyHash, LOCAL_CLIENT, verifyPassword } from "./password";

export interface User {
  id: number;
  username: string;
}

/** A user whose password was just checked, and the stored hash it was checked against: what a sign-in binds to. */
export interface VerifiedCredentials {
  user: User;
  passwordHash: string;
}

export { MAX_INPUT_LENGTH };

/**
 * The user these credentials belong to and the hash the password matched,
 * or null. A missing user costs a password check against a decoy hash, so a
 * miss takes as long as a hit and the timing does not tell which usernames
 * exist. `client` is the throttle's client key: the hashing line serves
 * clients in turn. Rejects with QueueFullError (`./password`) when the line
 * refused the check: nothing was checked, and the caller says "try again"
 * rather than "wrong".
 */
export async function verifyCredentials(database: Database, username: string, password: string, client: string = LOCAL_CLIENT, knownDevice = false): Promise<VerifiedCredentials | null> {
  if (username.length > MAX_INPUT_LENGTH || password.length > MAX_INPUT_LENGTH) return null;
  const [row] = await database.select().from(users).where(eq(users.username, username));
  const matches = await verifyPassword(password, row?.passwordHash ?? (await decoyHash(client)), client, knownDevice);
  return row && matches ? { user: { id: row.id, username: row.username }, passwordHash: row.passwordHash } : null;
}

/** verifyCredentials, the user alone. */
export async function authenticate(database: Database, username: string, password: string, client: string = LOCAL_CLIENT): Promise<User | null> {
  return (await verifyCredentials(database, username, password, client))?.user ?? null;
}

export async function findUser(database: Database, id: number): Promise<User | null> {
  const [row] = await database.select({ id: users.id, username: users.username }).from(users).where(eq(users.id, id));
  return row ?? null;
}

/** The user's password hash as stored now, or null when there is no such user. */
export async function storedPasswordHash(database: Database, id: number): Promise<string | null> {
  const [row] = await database.select({ passwordHash: users.passwordHash }).from(users).where(eq(users.id, id));
  return row?.passwordHash ?? null;
}
