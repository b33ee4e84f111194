"use server";

import { redirect } from "next/navigation";
import { newPasswordProblem, setPassword } from "@/lib/auth/change-password";
import { clientAddress } from "@/lib/auth/client-address";
import { ACCOUNT_PATH, requireUser } from "@/lib/auth/current-user";
import { isQueueFullError } from "@/lib/auth/password";
import { keepSignedInAfterPasswordChange } from "@/lib/auth/sign-in";
import { signInThrottle } from "@/lib/auth/throttle";
import { authenticate, type User } from "@/lib/auth/users";
import { db } from "@/lib/db/client";
import { formText } from "../../form-text";
import { addMessage, getSession, sessions } from "@/lib/sessions";
import { tooManyAttempts } from "../../login/state";
import { PASSWORD_PATH } from "../paths";
import { WRONG_CURRENT_PASSWORD, type PasswordState } from "./state";
import { stateAction } from "../../form-action";

/**
 * "Change password": the current password is checked like a sign-in (same
 * throttle, one hash at a time); on success every other session of the user
 * ends and this one stays signed in under a new key (Django's
 * update_session_auth_hash).
 */
export const changePasswordAction = stateAction(async function changePasswordAction(_previous: PasswordState, formData: FormData): Promise<PasswordState> {
  const user = await requireUser(PASSWORD_PATH);
  const [current, next] = [formText(formData, "current"), formText(formData, "new")];
  const started = signInThrottle().start({ client: await clientAddress(), username: user.username }, Date.now());
  if (!started.allowed) return { error: tooManyAttempts(started.retryAfterSeconds) };
  let checked: User | null;
  try {
    checked = await authenticate(db(), user.username, current);
  } catch (error) {
    started.ticket.abandon();
    if (isQueueFullError(error)) return { error: tooManyAttempts(1) };
    throw error;
  }
  if (!checked || checked.id !== user.id) {
    started.ticket.fail(Date.now());
    return { error: WRONG_CURRENT_PASSWORD };
  }
  started.ticket.succeed();
  const problem = newPasswordProblem(next, current);
  if (problem) return { error: problem };
  let passwordHash: string;
  try {
    passwordHash = await setPassword(db(), user.id, next);
  } catch (error) {
    if (isQueueFullError(error)) return { error: tooManyAttempts(1) };
    throw error;
  }
  const session = await getSession();
  const ended = await keepSignedInAfterPasswordChange(session, user, passwordHash, sessions().secrets);
  await addMessage(session, "success", `Your password was changed. ${ended === 1 ? "1 other device was" : `${ended} other devices were`} signed out.`);
  await session.save();
  redirect(ACCOUNT_PATH);
});
