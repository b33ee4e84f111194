"use server";

import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { afterSignInPath, signInCurrentSession } from "@/lib/auth/current-user";
import { isQueueFullError } from "@/lib/auth/password";
import { signInThrottle } from "@/lib/auth/throttle";
import { authenticate, type User } from "@/lib/auth/users";
import { db } from "@/lib/db/client";
import { INVALID_CREDENTIALS, tooManyAttempts, type LoginState } from "./state";

function field(formData: FormData, name: string): string {
  const value = formData.get(name);
  return typeof value === "string" ? value : "";
}

/** The client's address for the per-client sign-in limit. */
async function clientAddress(): Promise<string> {
  // Next never appends: it sets X-Forwarded-For to the socket address only if absent (base-server.js `??=`), so the last entry is an appending proxy's view or the socket's, yet a client reaching Next directly can write it.
  const forwarded = (await headers()).get("x-forwarded-for") ?? "";
  return forwarded.split(",").at(-1)?.trim() || "unknown";
}

/** "Sign in": throttled first (no hashing when refused); a failure leaves the session untouched; a success rotates the key and goes on. */
export async function signInAction(_previous: LoginState, formData: FormData): Promise<LoginState> {
  const username = field(formData, "username");
  const started = signInThrottle().start({ client: await clientAddress(), username }, Date.now());
  if (!started.allowed) return { error: tooManyAttempts(started.retryAfterSeconds), username };
  let user: User | null;
  try {
    user = await authenticate(db(), username, field(formData, "password"));
  } catch (error) {
    started.ticket.abandon();
    if (isQueueFullError(error)) return { error: tooManyAttempts(1), username };
    throw error;
  }
  if (!user) {
    started.ticket.fail(Date.now());
    return { error: INVALID_CREDENTIALS, username };
  }
  started.ticket.succeed();
  await signInCurrentSession(user);
  redirect(afterSignInPath(formData.get("next")));
}
