"use server";

import { refresh } from "next/cache";
import { SessionBudgetError, SessionTooLargeError } from "@/lib/session";
import { getSession } from "@/lib/sessions";
import { InputError, OPERATIONS } from "./operations";
import { formText } from "../form-text";
import { ECHO_MAX_CHARS, isOp, type Fields, type PlaygroundResult } from "./shared";
import { stateAction } from "../form-action";

/** The submitted form's inputs, and the other forms' as they were (each form posts only its own). */
function fieldsOf(form: FormData, previous: PlaygroundResult | null): Fields {
  const pick = (name: keyof Fields) => {
    const text: unknown = form.has(name) ? formText(form, name) : previous?.fields?.[name];
    return typeof text === "string" && text.length <= ECHO_MAX_CHARS ? text : "";
  };
  return { key: pick("key"), value: pick("value"), expiry: pick("expiry") };
}

/**
 * Every playground button posts here (useActionState), naming its operation
 * in `op`. Bad input is answered with a message and nothing is saved.
 */
export const runPlayground = stateAction(async function runPlayground(previous: PlaygroundResult | null, form: FormData): Promise<PlaygroundResult> {
  const op = form.get("op");
  const fields = fieldsOf(form, previous);
  if (!isOp(op)) return { ok: false, op: null, message: "Unknown operation.", flags: { accessed: false, modified: false }, fields };
  const session = await getSession();
  const flags = () => ({ accessed: session.accessed, modified: session.modified });
  try {
    const outcome = await OPERATIONS[op](session, form);
    await session.save();
    refresh();
    return { ok: true, op, ...outcome, flags: flags(), fields };
  } catch (error) {
    if (error instanceof InputError || error instanceof SessionTooLargeError || error instanceof SessionBudgetError) {
      return { ok: false, op, message: error.message, note: "Nothing was changed.", flags: flags(), fields };
    }
    throw error;
  }
});
