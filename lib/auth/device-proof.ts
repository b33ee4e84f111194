import { createHmac, timingSafeEqual } from "node:crypto";
import type { SecretList } from "../session";
import { accountKey } from "./throttle";

/**
 * OWASP's device cookie: a browser that signed in as an account carries an
 * HMAC of that account (keyed by the session secret, so nobody can make one),
 * and its next sign-in as that account is exempt from the account's limit
 * and goes first in the hashing line. Attackers' failures, from however many
 * addresses, then never lock the owner out of a browser they signed in with.
 * HttpOnly; it names no one (a MAC of the account, not the username).
 */
export function deviceProof(username: string, secret: string): string {
  return createHmac("sha256", secret).update(`sign-in-device:${accountKey(username)}`).digest("base64url");
}

/** Whether `value` is the device cookie of `username` under any of the secrets (rotation). */
export function isDeviceCookieOf(value: string | undefined, username: string, secrets: SecretList): boolean {
  if (!value) return false;
  const given = Buffer.from(value);
  return secrets.some((secret) => {
    const expected = Buffer.from(deviceProof(username, secret));
    return expected.length === given.length && timingSafeEqual(expected, given);
  });
}
