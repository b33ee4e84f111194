import "server-only";
import { redirect } from "next/navigation";
import { db } from "../db/client";
import { localPath } from "../session";
import { getSession, sessions } from "../sessions";
import { signedInUser, signIn } from "./sign-in";
import type { User } from "./users";

export const LOGIN_PATH = "/login";
export const ACCOUNT_PATH = "/account";

/** The signed-in user of this request, or null (Django's get_user: see signedInUser). */
export async function currentUser(): Promise<User | null> {
  return signedInUser(await getSession(), db(), sessions().secrets);
}

/** Signs the user into this request's session (a server action). */
export async function signInCurrentSession(user: User): Promise<void> {
  await signIn(await getSession(), user, db(), sessions().secrets);
}

/** Says "Please sign in to see your account." and goes on to the login page (app/login/required/route.ts). */
export const SIGN_IN_REQUIRED_PATH = "/login/required";

/** The signed-in user, or a redirect to the login page that comes back to `returnTo` afterwards. */
export async function requireUser(returnTo: string = ACCOUNT_PATH): Promise<User> {
  const user = await currentUser();
  if (user) return user;
  redirect(`${SIGN_IN_REQUIRED_PATH}?next=${encodeURIComponent(returnTo)}`);
}

/** Where a sign-in goes next: the requested path on this site, normalised, else the account page. Never another site. */
export function afterSignInPath(requested: unknown): string {
  return localPath(requested, ACCOUNT_PATH);
}
