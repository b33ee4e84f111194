"use client";

import { useActionState } from "react";
import { CredentialsForm } from "../credentials-form";
import { signInAction } from "./actions";
import { INITIAL_LOGIN_STATE } from "./state";

/** A client component only for useActionState: the form still posts (and shows its error) without JavaScript. */
export function LoginForm({ next }: { next: string | null }) {
  const [state, formAction, pending] = useActionState(signInAction, INITIAL_LOGIN_STATE);
  return (
    <CredentialsForm action={formAction} pending={pending} submit="Sign in" error={state.error}>
      {next && <input type="hidden" name="next" value={next} />}
      <label>
        Username
        <input name="username" autoComplete="username" required defaultValue={state.username} />
      </label>
      <label>
        Password
        <input name="password" type="password" autoComplete="current-password" required />
      </label>
    </CredentialsForm>
  );
}
