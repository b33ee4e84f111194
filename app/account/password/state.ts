/** What the password form shows after a refused attempt (kept out of actions.ts: a "use server" file exports only functions). */
export interface PasswordState {
  error: string | null;
}

export const INITIAL_PASSWORD_STATE: PasswordState = { error: null };

export const WRONG_CURRENT_PASSWORD = "The current password is not right.";
