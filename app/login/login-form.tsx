"use client";

import { useActionState } from "react";
import { signInAction } from "./actions";
import { INITIAL_LOGIN_STATE } from "./state";

/** A client component only for useActionState: the form still posts (and shows its error) without JavaScript. */
export function LoginForm({ next }: { next: string | null }) {
  const [state, formAction, pending] = useActionState(signInAction, INITIAL_LOGIN_STATE);
  return (
    <>
      <form action={formAction} className="credentials-form">
        {next && <input type="hidden" name="next" value={next} />}
        <label>
          Username
          <input name="username" autoComplete="username" required defaultValue={state.username} />
        </label>
        <label>
          Password
          <input name="password" type="password" autoComplete="current-password" required />
        </label>
        <button type="submit" disabled={pending}>
          Sign in
        </button>
      </form>
      <p className="error" aria-live="polite">
        {state.error}
      </p>
    </>
  );
}
