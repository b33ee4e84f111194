import { eq } from "drizzle-orm";
import type { Database } from "../db/client";
import { users } from "../db/schema";
import { decoyHash, verifyPassword } from "./password";

export interface User {
  id: number;
  username: string;
}

/** Longer inputs are refused before hashing: no one's password is 4 KB, and scrypt should not chew on megabytes. */
const MAX_INPUT_LENGTH = 4096;

/**
 * The user these credentials belong to, or null. A missing user costs a
 * password check against a decoy hash, so a miss takes as long as a hit
 * and the timing does not tell which usernames exist. Rejects with
 * QueueFullError (`./password`) when the process's hashing line is full:
 * nothing was checked, and the caller says "try again" rather than "wrong".
 */
export async function authenticate(database: Database, username: string, password: string): Promise<User | null> {
  if (username.length > MAX_INPUT_LENGTH || password.length > MAX_INPUT_LENGTH) return null;
  const [row] = await database.select().from(users).where(eq(users.username, username));
  const matches = await verifyPassword(password, row?.passwordHash ?? (await decoyHash()));
  return row && matches ? { id: row.id, username: row.username } : null;
}

export async function findUser(database: Database, id: number): Promise<User | null> {
  const [row] = await database.select({ id: users.id, username: users.username }).from(users).where(eq(users.id, id));
  return row ?? null;
}
