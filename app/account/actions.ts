"use server";

import { redirect } from "next/navigation";
import { LOGIN_PATH, requireUser } from "@/lib/auth/current-user";
import { signOut } from "@/lib/auth/sign-in";
import { getSession } from "@/lib/sessions";
import { DEVICES_PATH } from "./paths";

export async function signOutAction(): Promise<void> {
  await signOut(await getSession());
  redirect(LOGIN_PATH);
}

/** Ends every other session of the signed-in user, in one statement; the count comes back in the URL. */
export async function signOutOtherDevicesAction(): Promise<void> {
  const user = await requireUser(DEVICES_PATH);
  const ended = await (await getSession()).endOtherUserSessions(user.id);
  redirect(`${DEVICES_PATH}?ended=${ended}`);
}
