"use client";

import { useActionState } from "react";
import { useFormStatus } from "react-dom";
import { saveBuild } from "../actions";
import { LABELS, PARTS, type PartName } from "../parts";
import { INITIAL_BUILD_STATE } from "./state";

function SaveButton() {
  const { pending } = useFormStatus();
  return (
    <button type="submit" disabled={pending} aria-busy={pending}>
      Save build
      {pending && <span className="spinner" aria-hidden="true" />}
    </button>
  );
}

/**
 * The builder's selects, starting at the saved choices. React resets a form
 * to the defaults it mounted with once its action ends; keyed by the saved
 * build, the form mounts afresh with the new choices as its defaults. A
 * refused save (a session too large) shows why below the form, with or
 * without JavaScript (useActionState).
 */
export function BuildForm({ saved }: { saved: Record<PartName, string> }) {
  const parts = Object.keys(PARTS) as PartName[];
  const [state, formAction] = useActionState(saveBuild, INITIAL_BUILD_STATE);
  return (
    <>
      <form action={formAction} key={parts.map((part) => saved[part]).join("|")}>
        {parts.map((part) => (
          <label key={part}>
            {LABELS[part]}
            <select name={part} defaultValue={saved[part]}>
              {PARTS[part].map((option) => (
                <option key={option}>{option}</option>
              ))}
            </select>
          </label>
        ))}
        <SaveButton />
      </form>
      <p className="error" aria-live="polite">
        {state.error}
      </p>
    </>
  );
}
