/**
 * What the account pages say where the session engine keeps sessions in the
 * browser's cookie only (`cookie`): the server has no list of a user's other
 * sessions to show or end. A password change still signs them out (their
 * `_auth_user_hash` no longer matches); nothing else can.
 */
export const COOKIE_SESSIONS = "This site keeps sessions in browser cookies, so other devices cannot be listed or signed out from here";

export const OTHERS_NOT_ENDED = `Other devices could not be signed out: ${COOKIE_SESSIONS.charAt(0).toLowerCase()}${COOKIE_SESSIONS.slice(1)}. Change your password to sign them out.`;

export const PASSWORD_CHANGED_NO_DEVICE_LIST =
  "Your password was changed. Other devices signed in with the old password are signed out; this site keeps sessions in browser cookies, so they cannot be counted.";

/** "Your password was changed. 1 other device was signed out." (or the cookie engine's text) */
export function passwordChanged(othersEnded: number | null): string {
  if (othersEnded === null) return PASSWORD_CHANGED_NO_DEVICE_LIST;
  return `Your password was changed. ${othersEnded === 1 ? "1 other device was" : `${othersEnded} other devices were`} signed out.`;
}
