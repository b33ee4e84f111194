import { and, eq } from "drizzle-orm";
import type { Database } from "../db/client";
import { users } from "../db/schema";
import { hashPassword, LOCAL_CLIENT } from "./password";

/** What a new password must be: long enough to matter, short enough to hash, no NUL (see password.ts). */
export function newPasswordProblem(password: string, current: string): string | null {
  if (password.length < 8) return "The new password must be at least 8 characters.";
  if (password.length > 4096) return "The new password must be at most 4,096 characters.";
  if (password.includes("\u0000")) return "The new password may not contain a NUL character.";
  if (password === current) return "The new password must differ from the current one.";
  return null;
}

/**
 * Stores a new password hash for the user, only while the stored hash is
 * still `verifiedHash` (the one the current password was checked against):
 * of two concurrent changes one wins, the other changes nothing. Returns the
 * new hash (the session's auth hash is made from it), or null when the
 * password changed meanwhile.
 */
export async function setPassword(database: Database, userId: number, password: string, verifiedHash: string, client: string = LOCAL_CLIENT): Promise<string | null> {
  const passwordHash = await hashPassword(password, client);
  const changed = await database
    .update(users)
    .set({ passwordHash })
    .where(and(eq(users.id, userId), eq(users.passwordHash, verifiedHash)))
    .returning({ id: users.id });
  return changed.length > 0 ? passwordHash : null;
}
