"use client";

import { useFormStatus } from "react-dom";
import { OP_LABELS, type Op } from "./shared";

/**
 * A submit button naming its operation (`op`). While its form's action runs
 * (JavaScript only) every button of the form is disabled and the one pressed
 * shows a spinner; its accessible name stays the label.
 */
/** Buttons that throw data away look it. */
const DESTRUCTIVE: ReadonlySet<Op> = new Set(["clear", "flush"]);

export function SubmitButton({ op }: { op: Op }) {
  const { pending, data } = useFormStatus();
  const running = pending && data?.get("op") === op;
  return (
    <button type="submit" name="op" value={op} disabled={pending} aria-busy={running} className={DESTRUCTIVE.has(op) ? "danger" : undefined}>
      {OP_LABELS[op]}
      {running && <span className="spinner" aria-hidden="true" />}
    </button>
  );
}
