"use client";

import { useActionState } from "react";
import { CredentialsForm } from "../../credentials-form";
import { changePasswordAction } from "./actions";
import { INITIAL_PASSWORD_STATE } from "./state";

/** A client component only for useActionState: the form still posts (and shows its error) without JavaScript. */
export function PasswordForm() {
  const [state, formAction, pending] = useActionState(changePasswordAction, INITIAL_PASSWORD_STATE);
  return (
    <CredentialsForm action={formAction} pending={pending} submit="Change password" error={state.error}>
      <label>
        Current password
        <input name="current" type="password" autoComplete="current-password" required />
      </label>
      <label>
        New password
        <input name="new" type="password" autoComplete="new-password" required minLength={8} />
      </label>
    </CredentialsForm>
  );
}
