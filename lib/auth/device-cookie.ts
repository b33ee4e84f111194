import "server-only";
import { cookies } from "next/headers";
import { sessions } from "../sessions";
import { deviceProof, isDeviceCookieOf } from "./device-proof";

/** The device cookie (see device-proof.ts), read and set in server actions. */
const DEVICE_COOKIE = "sign_in_device";
/** A year: how long a browser stays known without signing in again. */
const DEVICE_COOKIE_AGE = 365 * 24 * 3600;

/** Whether this request's browser signed in as `username` before. */
export async function isKnownDevice(username: string): Promise<boolean> {
  return isDeviceCookieOf((await cookies()).get(DEVICE_COOKIE)?.value, username, sessions().secrets);
}

/** After a successful sign-in (a server action): this browser is known for `username`. */
export async function rememberDevice(username: string): Promise<void> {
  const { secrets, cookieOptions } = sessions();
  (await cookies()).set(DEVICE_COOKIE, deviceProof(username, secrets[0]), cookieOptions(DEVICE_COOKIE_AGE));
}
