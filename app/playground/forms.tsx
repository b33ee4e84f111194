"use client";

import { useActionState, useState, type ChangeEvent } from "react";
import { runPlayground } from "./actions";
import { KEY_INPUT_MAX_CHARS, OP_LABELS, VALUE_INPUT_MAX_CHARS, type Fields, type Op, type PlaygroundResult } from "./shared";
import { SubmitButton } from "./submit-button";
import { ValueText } from "./value-text";

const ITEM_OPS: Op[] = ["set", "get", "has", "pop", "setdefault", "increment"];
const SESSION_OPS: Op[] = ["clear", "flush", "cycle"];
const NO_FIELDS: Fields = { key: "", value: "", expiry: "" };

const yesNo = (flag: boolean) => (flag ? "yes" : "no");

/** Every message reads as a sentence, whatever error text it carries. */
const sentence = (text: string) => (/[.!?…]$/.test(text) ? text : `${text}.`);

/**
 * A controlled input's props. React resets a form to its default values when
 * its action finishes; a controlled input's default follows what it holds, so
 * whatever was typed while the action ran survives that reset.
 */
function useField(initial: string) {
  const [value, setValue] = useState(initial);
  return { value, onChange: (event: ChangeEvent<HTMLInputElement>) => setValue(event.target.value) };
}

function ResultView({ result }: { result: PlaygroundResult | null }) {
  return (
    <div role="status" aria-live="polite" className={result && !result.ok ? "result error" : "result"}>
      {result ? (
        <>
          <p>
            {!result.ok && <strong>{result.op ? OP_LABELS[result.op] : "Action"} refused: </strong>}
            {result.value ? (
              <>
                {result.message} <ValueText shown={result.value} /> <span className="type">({result.value.type})</span>.
              </>
            ) : (
              sentence(result.message)
            )}
          </p>
          {result.note && <p className="note">{sentence(result.note)}</p>}
          <p className="flags">
            This action&apos;s session: accessed {yesNo(result.flags.accessed)}, modified {yesNo(result.flags.modified)}.
          </p>
        </>
      ) : (
        <p>The result of each button shows here.</p>
      )}
    </div>
  );
}

/**
 * The playground's three forms, all posting to one server action. Without
 * JavaScript they are plain form posts and the page comes back with the result.
 */
export function PlaygroundForms({ maxBytes }: { maxBytes: number }) {
  const [result, formAction] = useActionState(runPlayground, null);
  const fields = result?.fields ?? NO_FIELDS; // without JavaScript: what the last post held
  const [key, value, expiry] = [useField(fields.key), useField(fields.value), useField(fields.expiry)];
  // Cut a paste short only where the cut value is still refused as too large: never store a truncated value.
  const valueMaxLength = maxBytes < VALUE_INPUT_MAX_CHARS ? VALUE_INPUT_MAX_CHARS : undefined;
  return (
    <section aria-label="Methods" className="methods">
      <form action={formAction}>
        <fieldset>
          <legend>Items</legend>
          <label>
            Key
            <input name="key" {...key} maxLength={KEY_INPUT_MAX_CHARS} autoComplete="off" spellCheck={false} />
          </label>
          <label>
            Value
            <input name="value" {...value} maxLength={valueMaxLength} autoComplete="off" spellCheck={false} placeholder='alice, 42, true, [1, 2], {"a": 1}' />
          </label>
          <p className="hint">A value that parses as JSON is stored as that JSON; anything else as the string typed. Increment adds the whole number in Value, or 1 when it is empty.</p>
          <div className="buttons">
            {ITEM_OPS.map((op) => (
              <SubmitButton key={op} op={op} />
            ))}
          </div>
        </fieldset>
      </form>
      <form action={formAction}>
        <fieldset>
          <legend>Lifetime</legend>
          <label>
            Expiry (seconds)
            <input name="expiry" {...expiry} inputMode="numeric" autoComplete="off" placeholder="empty: the default" />
          </label>
          <p className="hint">0 ends the session when the browser closes; empty goes back to the default.</p>
          <div className="buttons">
            <SubmitButton op="expiry" />
          </div>
        </fieldset>
      </form>
      <form action={formAction}>
        <fieldset>
          <legend>Whole session</legend>
          <div className="buttons">
            {SESSION_OPS.map((op) => (
              <SubmitButton key={op} op={op} />
            ))}
          </div>
        </fieldset>
      </form>
      <ResultView result={result} />
    </section>
  );
}
