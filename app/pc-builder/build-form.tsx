"use client";

import { useFormStatus } from "react-dom";
import { saveBuild } from "../actions";
import { LABELS, PARTS, type PartName } from "../parts";

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
 * build, the form mounts afresh with the new choices as its defaults.
 */
export function BuildForm({ saved }: { saved: Record<PartName, string> }) {
  const parts = Object.keys(PARTS) as PartName[];
  return (
    <form action={saveBuild} key={parts.map((part) => saved[part]).join("|")}>
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
  );
}
