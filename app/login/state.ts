/** What the login form shows after a failed attempt (kept out of actions.ts: a "use server" file exports only functions). */
export interface LoginState {
  error: string | null;
  username: string;
}

export const INITIAL_LOGIN_STATE: LoginState = { error: null, username: "" };

export const INVALID_CREDENTIALS = "Invalid username or password";
