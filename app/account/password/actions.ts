"use server";

import { redirect } from "next/navigation";
import { newPasswordProblem, setPassword } from "@/lib/auth/change-password";
import { clientAddress } from "@/lib/auth/client-address";
import { ACCOUNT_PATH, LOGIN_PATH, requireUser } from "@/lib/auth/current-user";
import { isQueueFullError } from "@/lib/auth/password";
import { keepSignedInAfterPasswordChange, type PasswordChangeOutcome } from "@/lib/auth/sign-in";
import { clientKey, signInThrottle } from "@/lib/auth/throttle";
import { verifyCredentials, type VerifiedCredentials } from "@/lib/auth/users";
import { db } from "@/lib/db/client";
import { SessionBudgetError } from "@/lib/session";
import { formText } from "../../form-text";
import { addMessage, getSession, sessions } from "@/lib/sessions";
import { tooManyAttempts } from "../../login/state";
import { passwordChanged } from "../engine-text";
import { PASSWORD_PATH } from "../paths";
import { WRONG_CURRENT_PASSWORD, type PasswordState } from "./state";
import { stateAction } from "../../form-action";

/**
 * "Change password": the current password is checked like a sign-in (same
 * throttle, same hashing line); the new hash is stored only over the one
 * that was checked; then every other session of the user ends and this one
 * stays signed in under a new key (Django's update_session_auth_hash).
 */
export const changePasswordAction = stateAction(async function changePasswordAction(_previous: PasswordState, formData: FormData): Promise<PasswordState> {
  const user = await requireUser(PASSWORD_PATH);
  const [current, next] = [formText(formData, "current"), formText(formData, "new")];
  const client = await clientAddress();
  // Signed in as the user already: a known device (lib/auth/device-cookie.ts), so no one else's failures lock them out of this.
  const started = signInThrottle().start({ client, username: user.username, knownDevice: true }, Date.now());
  if (!started.allowed) return { error: tooManyAttempts(started.retryAfterSeconds) };
  let checked: VerifiedCredentials | null;
  try {
    checked = await verifyCredentials(db(), user.username, current, clientKey(client), true);
  } catch (error) {
    started.ticket.abandon();
    if (isQueueFullError(error)) return { error: tooManyAttempts(1) };
    throw error;
  }
  if (!checked || checked.user.id !== user.id) {
    started.ticket.fail(Date.now());
    return { error: WRONG_CURRENT_PASSWORD };
  }
  started.ticket.succeed();
  const problem = newPasswordProblem(next, current);
  if (problem) return { error: problem };
  let passwordHash: string | null;
  try {
    passwordHash = await setPassword(db(), user.id, next, checked.passwordHash, clientKey(client));
  } catch (error) {
    if (isQueueFullError(error)) return { error: tooManyAttempts(1) };
    throw error;
  }
  // Changed meanwhile (another change won): what was typed is no longer the current password.
  if (!passwordHash) return { error: WRONG_CURRENT_PASSWORD };
  const session = await getSession();
  let outcome: PasswordChangeOutcome;
  try {
    outcome = await keepSignedInAfterPasswordChange(session, user, passwordHash, db(), sessions().secrets);
  } catch (error) {
    if (!(error instanceof SessionBudgetError)) throw error;
    return { error: `Your password was changed, but this device could not stay signed in (${error.message}). Sign in again with the new password.` };
  }
  if (!outcome.signedIn) {
    await addMessage(session, "warning", "Your password was changed again from elsewhere. Sign in with the new one.");
    await session.save();
    redirect(LOGIN_PATH);
  }
  await addMessage(session, "success", passwordChanged(outcome.othersEnded));
  await session.save();
  redirect(ACCOUNT_PATH);
});
