import "server-only";
import { redirect } from "next/navigation";
import { db } from "../db/client";
import { localPath } from "../session/local-path";
import { getSession } from "../session/next";
import { sessionUser } from "./sign-in";
import { findUser, type User } from "./users";

export const LOGIN_PATH = "/login";
export const ACCOUNT_PATH = "/account";

/**
 * The signed-in user of this request, or null. Like Django's get_user, a
 * session naming a user who no longer exists (or was renamed) is anonymous.
 */
export async function currentUser(): Promise<User | null> {
  const claimed = await sessionUser(await getSession());
  if (!claimed) return null;
  const user = await findUser(db(), claimed.id);
  return user && user.username === claimed.username ? user : null;
}

/** The signed-in user, or a redirect to the login page that comes back to `returnTo` afterwards. */
export async function requireUser(returnTo: string = ACCOUNT_PATH): Promise<User> {
  const user = await currentUser();
  if (user) return user;
  // After sign-in /login goes to /account anyway: keep that URL plain.
  redirect(returnTo === ACCOUNT_PATH ? LOGIN_PATH : `${LOGIN_PATH}?next=${encodeURIComponent(returnTo)}`);
}

/** Where a sign-in goes next: the requested local path, else the account page. Never another site. */
export function afterSignInPath(requested: unknown): string {
  if (typeof requested !== "string") return ACCOUNT_PATH;
  return localPath(requested) === requested ? requested : ACCOUNT_PATH;
}
