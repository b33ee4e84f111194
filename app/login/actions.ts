"use server";

import { redirect } from "next/navigation";
import { clientAddress } from "@/lib/auth/client-address";
import { afterSignInPath, signInCurrentSession } from "@/lib/auth/current-user";
import { isKnownDevice, rememberDevice } from "@/lib/auth/device-cookie";
import { isQueueFullError } from "@/lib/auth/password";
import { clientKey, signInThrottle } from "@/lib/auth/throttle";
import { verifyCredentials, type VerifiedCredentials } from "@/lib/auth/users";
import { db } from "@/lib/db/client";
import { SessionBudgetError } from "@/lib/session";
import { addMessage, getSession } from "@/lib/sessions";
import { formText } from "../form-text";
import { INVALID_CREDENTIALS, tooManyAttempts, type LoginState } from "./state";
import { stateAction } from "../form-action";

/** "Sign in": throttled first (no hashing when refused); a failure leaves the session untouched; a success rotates the key and goes on. */
export const signInAction = stateAction(async function signInAction(_previous: LoginState, formData: FormData): Promise<LoginState> {
  const username = formText(formData, "username");
  const client = await clientAddress();
  const knownDevice = await isKnownDevice(username);
  const started = signInThrottle().start({ client, username, knownDevice }, Date.now());
  if (!started.allowed) return { error: tooManyAttempts(started.retryAfterSeconds), username };
  let verified: VerifiedCredentials | null;
  let signedIn = false;
  try {
    verified = await verifyCredentials(db(), username, formText(formData, "password"), clientKey(client), knownDevice);
    // A password changed between the check and the session's write makes this an old password: a failure (see signIn).
    signedIn = verified !== null && (await signInCurrentSession(verified));
  } catch (error) {
    started.ticket.abandon();
    if (isQueueFullError(error)) return { error: tooManyAttempts(1), username };
    if (error instanceof SessionBudgetError) return { error: `Could not sign in: ${error.message}. Try again shortly.`, username };
    throw error;
  }
  if (!verified || !signedIn) {
    started.ticket.fail(Date.now());
    return { error: INVALID_CREDENTIALS, username };
  }
  started.ticket.succeed();
  await rememberDevice(verified.user.username);
  const session = await getSession();
  await addMessage(session, "success", `Welcome back, ${verified.user.username}.`);
  await session.save();
  redirect(afterSignInPath(formData.get("next")));
});
