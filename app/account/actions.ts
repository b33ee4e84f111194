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

/** A device row's id as the devices page lists it (a prefix of the session's key hash, never the key). */
const DEVICE_ID = /^[A-Za-z0-9_-]{12}$/;

/** Ends one other session of the signed-in user, chosen on the devices page; the count comes back in the URL. */
export async function signOutDeviceAction(formData: FormData): Promise<void> {
  const user = await requireUser(DEVICES_PATH);
  const id = formData.get("device");
  const ended = typeof id === "string" && DEVICE_ID.test(id) ? await (await getSession()).endUserSession(user.id, id) : false;
  redirect(`${DEVICES_PATH}?ended=${ended ? 1 : 0}`);
}

/** Ends every other session of the signed-in user, in one statement; the count comes back in the URL. */
export async function signOutOtherDevicesAction(): Promise<void> {
  const user = await requireUser(DEVICES_PATH);
  const ended = await (await getSession()).endOtherUserSessions(user.id);
  redirect(`${DEVICES_PATH}?ended=${ended}`);
}
