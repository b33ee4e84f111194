"use server";

import { redirect } from "next/navigation";
import { ACCOUNT_PATH, LOGIN_PATH, requireUser, signOutCurrentSession } from "@/lib/auth/current-user";
import { SessionEngineUnsupportedError, type Session } from "@/lib/session";
import type { MessageLevel } from "@/lib/session/messages";
import { addMessage, getSession } from "@/lib/sessions";
import { OTHERS_NOT_ENDED } from "./engine-text";
import { DEVICES_PATH } from "./paths";
import { formAction } from "../form-action";

/** "Signed out 2 other devices." */
function signedOutOthers(count: number): string {
  return `Signed out ${count} other ${count === 1 ? "device" : "devices"}.`;
}

/** What `end` returns, or null where the engine keeps no sessions server-side (the cookie engine). */
async function unlessUnsupported<T>(end: () => Promise<T>): Promise<T | null> {
  try {
    return await end();
  } catch (error) {
    if (error instanceof SessionEngineUnsupportedError) return null;
    throw error;
  }
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

/** Every session of the user ends, this one included (where the engine cannot end the others, this one, and it says so). */
export const signOutEverywhereAction = formAction(async function signOutEverywhereAction(): Promise<void> {
  const user = await requireUser(ACCOUNT_PATH);
  const others = await unlessUnsupported(async () => (await getSession()).endOtherUserSessions(user.id));
  if (others === null) await signedOutToLogin(`You have been signed out on this device. ${OTHERS_NOT_ENDED}`);
  await signedOutToLogin(`You have been signed out on every device (this one and ${others} other${others === 1 ? "" : "s"}).`);
});

/** A device row's id as the devices page lists it (a prefix of the session's key hash, never the key). */
const DEVICE_ID = /^[A-Za-z0-9_-]{12}$/;

/** Back to the devices page with what happened: `message`, or where the engine cannot end other sessions, that. */
async function backToDevices(session: Session, message: [MessageLevel, string] | null): Promise<never> {
  if (message === null) await addMessage(session, "warning", OTHERS_NOT_ENDED);
  else await addMessage(session, ...message);
  await session.save();
  redirect(DEVICES_PATH);
}

/** Ends one other session of the signed-in user, chosen on the devices page. */
export const signOutDeviceAction = formAction(async function signOutDeviceAction(formData: FormData): Promise<void> {
  const user = await requireUser(DEVICES_PATH);
  const session = await getSession();
  const id = formData.get("device");
  const ended = typeof id === "string" && DEVICE_ID.test(id) ? await unlessUnsupported(() => session.endUserSession(user.id, id)) : false;
  await backToDevices(session, ended === null ? null : [ended ? "success" : "warning", signedOutOthers(ended ? 1 : 0)]);
});

/** Ends every other session of the signed-in user, in one statement. */
export const signOutOtherDevicesAction = formAction(async function signOutOtherDevicesAction(): Promise<void> {
  const user = await requireUser(DEVICES_PATH);
  const session = await getSession();
  const ended = await unlessUnsupported(() => session.endOtherUserSessions(user.id));
  await backToDevices(session, ended === null ? null : ["success", signedOutOthers(ended)]);
});
