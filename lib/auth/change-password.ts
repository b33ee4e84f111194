import { eq } from "drizzle-orm";
import type { Database } from "../db/client";
import { users } from "../db/schema";
import { hashPassword } from "./password";

/** What a new password must be: long enough to matter, short enough to hash, no NUL (see password.ts). */
export function newPasswordProblem(password: string, current: string): string | null {
  if (password.length < 8) return "The new password must be at least 8 characters.";
  if (password.length > 4096) return "The new password must be at most 4,096 characters.";
  if (password.includes("\u0000")) return "The new password may not contain a NUL character.";
  if (password === current) return "The new password must differ from the current one.";
  return null;
}

/** Stores a new password hash for the user; returns it (the session's auth hash is made from it). */
export async function setPassword(database: Database, userId: number, password: string): Promise<string> {
  const passwordHash = await hashPassword(password);
  await database.update(users).set({ passwordHash }).where(eq(users.id, userId));
  return passwordHash;
}
