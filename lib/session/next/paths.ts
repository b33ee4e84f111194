/** Where the session's own route handlers are mounted (the app exports them there). */
export const RENEW_PATH = "/session/renew";
/** Path of the 503 page a render or action is sent to when the store fails. */
export const UNAVAILABLE_PATH = "/session/unavailable";
