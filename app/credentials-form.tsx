import type { ReactNode } from "react";

/**
 * The sign-in and change-password forms' shared frame: fields, one submit
 * button disabled while the action runs, and the action's error below (read
 * aloud when it changes). Used inside a client component's useActionState.
 */
export function CredentialsForm({ action, pending, submit, error, children }: { action: (form: FormData) => void; pending: boolean; submit: string; error: string | null | undefined; children: ReactNode }) {
  return (
    <>
      <form action={action} className="credentials-form">
        {children}
        <button type="submit" disabled={pending}>
          {submit}
        </button>
      </form>
      <p className="error" aria-live="polite">
        {error}
      </p>
    </>
  );
}
