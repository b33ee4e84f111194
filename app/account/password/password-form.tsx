"use client";

import { useActionState } from "react";
import { changePasswordAction } from "./actions";
import { INITIAL_PASSWORD_STATE } from "./state";

/** A client component only for useActionState: the form still posts (and shows its error) without JavaScript. */
export function PasswordForm() {
  const [state, formAction, pending] = useActionState(changePasswordAction, INITIAL_PASSWORD_STATE);
  return (
    <>
      <form action={formAction} className="credentials-form">
        <label>
          Current password
          <input name="current" type="password" autoComplete="current-password" required />
        </label>
        <label>
          New password
          <input name="new" type="password" autoComplete="new-password" required minLength={8} />
        </label>
        <button type="submit" disabled={pending}>
          Change password
        </button>
      </form>
      <p className="error" aria-live="polite">
        {state.error}
      </p>
    </>
  );
}
