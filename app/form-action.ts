import "server-only";
import { notFound } from "next/navigation";

/**
 * Server actions take what the client sends, decoded by React: a script can
 * post an action's id with a JSON array (or a crafted multipart body) and
 * have it called with numbers, strings or objects where a FormData belongs,
 * which would throw a TypeError: a 500 and a stack trace in the log per
 * request. Every action of the app is wrapped here, so arguments of the
 * wrong kind are refused before the action runs.
 *
 * The refusal is notFound(): of the errors an action can throw, Next 16
 * answers only its HTTP-access ones (notFound 404; forbidden 403 and
 * unauthorized 401, behind an experimental flag) with a 4xx rather than a
 * 500, and logs none of them (action-handler.js, isHTTPAccessFallbackError).
 * "No action takes these arguments" is what a 404 says.
 */

/** A form's action: `<form action={…}>` calls it with the form's FormData. */
export function formAction(action: (form: FormData) => Promise<void>): (form: FormData) => Promise<void> {
  return async (...args: unknown[]) => {
    if (!(args[0] instanceof FormData)) notFound();
    return action(args[0]);
  };
}

/** A useActionState action: called with the previous state (untrusted too: it comes back from the client) and the FormData. */
export function stateAction<Previous, Result>(action: (previous: Previous, form: FormData) => Promise<Result>): (previous: Previous, form: FormData) => Promise<Result> {
  return async (...args: unknown[]) => {
    if (!(args[1] instanceof FormData)) notFound();
    return action(args[0] as Previous, args[1]);
  };
}
