"use server";

import { redirect } from "next/navigation";
import { afterSignInPath } from "@/lib/auth/current-user";
import { signIn } from "@/lib/auth/sign-in";
import { authenticate } from "@/lib/auth/users";
import { db } from "@/lib/db/client";
import { getSession } from "@/lib/session";
import { INVALID_CREDENTIALS, type LoginState } from "./state";

function field(formData: FormData, name: string): string {
  const value = formData.get(name);
  return typeof value === "string" ? value : "";
}

/** "Sign in": a failure leaves the session untouched; a success rotates the key and goes on. */
export async function signInAction(_previous: LoginState, formData: FormData): Promise<LoginState> {
  const username = field(formData, "username");
  const user = await authenticate(db(), username, field(formData, "password"));
  if (!user) return { error: INVALID_CREDENTIALS, username };
  await signIn(await getSession(), user);
  redirect(afterSignInPath(formData.get("next")));
}
