import { type SecretList } from "../session";
import { createHmac, timingSafeEqual } from "node:crypto";

/** Reserved session keys of a sign-in (Django's names): no client-facing surface can write them. */
export const AUTH_USER_ID = "_auth_user_id";
export const AUTH_USER_HASH = "_auth_user_hash";

/**
 * Django's `_auth_user_hash`: binds a sign-in to the user's password hash, so
 * changing the password ends every session signed in with the old one. An
 * HMAC keyed by the session secret: the session row never holds the password
 * hash, nor anything that could be checked against a guess without the secret.
 */
export function sessionAuthHash(passwordHash: string, secrets: SecretList): string {
  return createHmac("sha256", secrets[0]).update(`session-auth-hash:${passwordHash}`).digest("base64url");
}

/** Whether a stored hash matches the user's password hash under any of the secrets (rotation). */
export function sessionAuthHashMatches(stored: unknown, passwordHash: string, secrets: SecretList): boolean {
  if (typeof stored !== "string") return false;
  const given = Buffer.from(stored);
  return secrets.some((secret) => {
    const expected = Buffer.from(sessionAuthHash(passwordHash, [secret]));
    return expected.length === given.length && timingSafeEqual(expected, given);
  });
}
