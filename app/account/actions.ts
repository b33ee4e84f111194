"use server";

import { redirect } from "next/navigation";
import { ACCOUNT_PATH, LOGIN_PATH, requireUser, signOutCurrentSession } from "@/lib/auth/current-user";
import { addMessage, getSession } from "@/lib/sessions";
import { DEVICES_PATH } from "./paths";
import { formAction } from "../form-action";

/** "Signed out 2 other devices." */
function signedOutOthers(count: number): string {
  return `Signed out ${count} other ${count === 1 ? "device" : "devices"}.`;
}

/** Signs this browser out, says so in the fresh session, and goes to the login page. */
async function signedOutToLogin(message: string): Promise<never> {
  const session = await signOutCurrentSession();
  await addMessage(session, "info", message);
  await session.save();
  redirect(LOGIN_PATH);
}

/** Django's logout view: the session is flushed; the message lives in the fresh one. */
export const signOutAction = formAction(async function signOutAction(): Promise<void> {
  await signedOutToLogin("You have been signed out.");
});

/** Every session of the user ends, this one included. */
export const signOutEverywhereAction = formAction(async function signOutEverywhereAction(): Promise<void> {
  const user = await requireUser(ACCOUNT_PATH);
  const others = await (await getSession()).endOtherUserSessions(user.id);
  await signedOutToLogin(`You have been signed out on every device (this one and ${others} other${others === 1 ? "" : "s"}).`);
});

/** A device row's id as the devices page lists it (a prefix of the session's key hash, never the key). */
const DEVICE_ID = /^[A-Za-z0-9_-]{12}$/;

/** Ends one other session of the signed-in user, chosen on the devices page. */
export const signOutDeviceAction = formAction(async function signOutDeviceAction(formData: FormData): Promise<void> {
  const user = await requireUser(DEVICES_PATH);
  const session = await getSession();
  const id = formData.get("device");
  const ended = typeof id === "string" && DEVICE_ID.test(id) ? await session.endUserSession(user.id, id) : false;
  await addMessage(session, ended ? "success" : "warning", signedOutOthers(ended ? 1 : 0));
  await session.save();
  redirect(DEVICES_PATH);
});

/** Ends every other session of the signed-in user, in one statement. */
export const signOutOtherDevicesAction = formAction(async function signOutOtherDevicesAction(): Promise<void> {
  const user = await requireUser(DEVICES_PATH);
  const session = await getSession();
  const ended = await session.endOtherUserSessions(user.id);
  await addMessage(session, "success", signedOutOthers(ended));
  await session.save();
  redirect(DEVICES_PATH);
});
