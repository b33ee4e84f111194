import "server-only";
import { assertValidDataKey, type Session } from "@/lib/session";
import { sessions } from "@/lib/sessions";
import { formText } from "../form-text";
import { describe, parseValue, withArticle, type Op, type Shown } from "./shared";

/** Input the playground refuses with a message; the session is left as it was. */
export class InputError extends Error {
  override name = "InputError";
}

export interface Outcome {
  message: string;
  value?: Shown;
  note?: string;
}

type Operation = (session: Session, form: FormData) => Promise<Outcome>;

/** What "Get" returns for a key that is not set (Django's `request.session.get("name", "Guest")`). */
const GET_DEFAULT = "Guest";
const MAX_EXPIRY_SECONDS = 10 * 365 * 24 * 60 * 60;

/** The library refuses bad keys, non-JSON values and non-numbers with a TypeError: show it, change nothing. */
async function refusing<T>(work: () => T | Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof TypeError) throw new InputError(error.message);
    throw error;
  }
}

async function keyOf(form: FormData): Promise<string> {
  const key = formText(form, "key");
  if (key === "") throw new InputError("Enter a key: it cannot be empty.");
  // The library's own check: a reserved key (starting with "_") is refused here like any bad key.
  await refusing(() => assertValidDataKey(key));
  return key;
}

/** Empty: back to the default (null); 0: at browser close; else whole seconds. */
function expiryOf(form: FormData): number | null {
  const raw = formText(form, "expiry").trim();
  if (raw === "") return null;
  if (!/^\d+$/.test(raw)) {
    throw new InputError("Expiry must be a whole number of seconds, 0 or more (0: at browser close; empty: the default).");
  }
  const seconds = Number(raw);
  // A visitor may shorten the session, never keep it past the operator's idle timeout.
  const longest = Math.min(MAX_EXPIRY_SECONDS, sessions().settings.cookieAge);
  if (seconds > longest) {
    throw new InputError(`Expiry must be at most ${longest} seconds: this site keeps an idle session that long at most (SESSION_COOKIE_AGE).`);
  }
  return seconds;
}

function parsedNote(asJson: boolean, shown: Shown): string {
  return asJson ? `Parsed as JSON: ${withArticle(shown.type)}.` : "Kept as a string: not valid JSON.";
}

/** Set's value: an empty field is refused (Enter in the Key field must not store ""); `""` stores an empty string. */
function valueOf(form: FormData): ReturnType<typeof parseValue> {
  const raw = formText(form, "value");
  if (raw === "") throw new InputError('Enter a value (for an empty string, type "").');
  return parseValue(raw);
}

/** Increment's step: the Value field when it holds a whole number, else 1 when it is empty. */
function stepOf(form: FormData): number {
  const raw = formText(form, "value").trim();
  if (raw === "") return 1;
  if (!/^[-+]?\d{1,16}$/.test(raw) || !Number.isSafeInteger(Number(raw))) {
    throw new InputError(`Increment adds the whole number in Value (or 1 when Value is empty); "${raw.slice(0, 40)}" is not one.`);
  }
  return Number(raw);
}

function expiryMessage(session: Session, seconds: number | null): string {
  if (seconds === 0) return "Expiry set to 0: the session ends when the browser closes.";
  if (seconds !== null) return `Expiry set to ${seconds} seconds.`;
  const fallback = session.getExpireAtBrowserClose() ? "at browser close" : `${session.getExpiryAge()} seconds`;
  return `Expiry back to the default: ${fallback}.`;
}

/** One function per button; each throws InputError (or SessionTooLargeError) before changing anything. */
export const OPERATIONS: Record<Op, Operation> = {
  async set(session, form) {
    const key = await keyOf(form);
    const { value, asJson } = valueOf(form);
    await refusing(() => session.set(key, value));
    const shown = describe(value);
    return { message: `Set "${key}" to`, value: shown, note: parsedNote(asJson, shown) };
  },

  async get(session, form) {
    const key = await keyOf(form);
    const found = await session.has(key);
    return { message: found ? `Get "${key}":` : `Get "${key}": not set, so the default:`, value: describe(await session.get(key, GET_DEFAULT)) };
  },

  async has(session, form) {
    const key = await keyOf(form);
    const present = await session.has(key);
    return { message: `Has "${key}":`, value: describe(present), note: present ? "The key is in the session." : "No such key." };
  },

  async pop(session, form) {
    const key = await keyOf(form);
    if (!(await session.has(key))) throw new InputError(`No key "${key}" to pop (Django raises KeyError).`);
    return { message: `Popped "${key}":`, value: describe(await session.pop(key)) };
  },

  async setdefault(session, form) {
    const key = await keyOf(form);
    if (await session.has(key)) return { message: `Set default "${key}": already set, kept`, value: describe(await session.get(key, null)) };
    const { value, asJson } = valueOf(form);
    const shown = describe(await refusing(() => session.setdefault(key, value)));
    return { message: `Set default "${key}": stored`, value: shown, note: parsedNote(asJson, shown) };
  },

  async increment(session, form) {
    const key = await keyOf(form);
    const current = await session.get(key);
    if (current !== undefined && typeof current !== "number") {
      throw new InputError(`"${key}" holds ${withArticle(describe(current).type)}, not a number: it cannot be incremented.`);
    }
    const step = stepOf(form);
    const value = await refusing(() => session.increment(key, step));
    const counted = current === undefined ? "It was not set: counted from 0" : `Was ${current}`;
    return { message: `Incremented "${key}" to`, value: describe(value), note: `${counted}, ${step >= 0 ? "plus" : "minus"} ${Math.abs(step)}.` };
  },

  async expiry(session, form) {
    const seconds = expiryOf(form);
    await session.setExpiry(seconds);
    return { message: expiryMessage(session, seconds) };
  },

  async clear(session) {
    await session.clear();
    return { message: "Cleared: every item is gone (an empty session is not stored)." };
  },

  async flush(session) {
    await session.flush();
    return { message: "Flushed: the data and the cookie are gone; the next request starts a new session." };
  },

  async cycle(session) {
    await session.cycleKey();
    return { message: `Cycled the key: the same data under a new key (${session.sessionKey?.slice(0, 6)}…).` };
  },
};
