/** What the login form shows after a failed attempt (kept out of actions.ts: a "use server" file exports only functions). */
export interface LoginState {
  error: string | null;
  username: string;
}

export const INITIAL_LOGIN_STATE: LoginState = { error: null, username: "" };

export const INVALID_CREDENTIALS = "Invalid username or password";

/** What a throttled attempt shows (`lib/auth/throttle.ts`); `{seconds}` is a whole number, at least 1. */
export const TOO_MANY_ATTEMPTS = "Too many failed sign-in attempts. Try again in {seconds} seconds.";

export function tooManyAttempts(retryAfterSeconds: number): string {
  return TOO_MANY_ATTEMPTS.replace("{seconds}", String(Math.max(1, Math.ceil(retryAfterSeconds))));
}
