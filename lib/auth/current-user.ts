import "server-only";
import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { db } from "../db/client";
import { localPath, type Session } from "../session";
import { getSession, sessions } from "../sessions";
import { signedInUser, signIn, signOut } from "./sign-in";
import type { User, VerifiedCredentials } from "./users";

export const LOGIN_PATH = "/login";
export const ACCOUNT_PATH = "/account";

/** The signed-in user of this request, or null (Django's get_user: see signedInUser). */
export async function currentUser(): Promise<User | null> {
  return signedInUser(await getSession(), db(), sessions().secrets);
}

/**
 * A hint, never trusted: set by a sign-in in this browser, deleted by its
 * sign-out. Without it the navigation does not read the session at all (a
 * browser that never signed in shows "Sign in"), which keeps pages such as
 * /library at one statement per visit; with it the user is checked as always,
 * so a forged hint shows nothing it should not.
 */
const SIGNED_IN_HINT = "signed_in";

/** The user the navigation names: only checked where this browser signed in. */
export async function navigationUser(): Promise<User | null> {
  return (await cookies()).has(SIGNED_IN_HINT) ? currentUser() : null;
}

/**
 * Signs the verified user into this request's session (a server action), and
 * sets the navigation's hint. False, signed in nowhere, when the password
 * changed since it was checked (see signIn).
 */
export async function signInCurrentSession(verified: VerifiedCredentials): Promise<boolean> {
  if (!(await signIn(await getSession(), verified, db(), sessions().secrets))) return false;
  (await cookies()).set(SIGNED_IN_HINT, "1", sessions().cookieOptions());
  return true;
}

/**
 * Django's logout() for this request (a server action): the session is
 * flushed and the navigation's hint deleted. The session object carries on
 * as a fresh one (for a message), to be saved by the caller.
 */
export async function signOutCurrentSession(): Promise<Session> {
  const session = await getSession();
  await signOut(session);
  (await cookies()).set(SIGNED_IN_HINT, "", sessions().deletingCookieOptions());
  return session;
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
