// Shared by the server (actions, live view) and the client forms: no server imports here.
import type { JsonValue } from "@/lib/session";

/** The playground's operations, each one submit button's `op` value, with the button's label. */
export const OP_LABELS = {
  set: "Set",
  get: "Get",
  has: "Has",
  pop: "Pop",
  setdefault: "Set default",
  increment: "Increment",
  expiry: "Set expiry",
  clear: "Clear",
  flush: "Flush",
  cycle: "Cycle key",
} as const;

export type Op = keyof typeof OP_LABELS;

export function isOp(value: unknown): value is Op {
  return typeof value === "string" && Object.hasOwn(OP_LABELS, value);
}

export type JsonType = "string" | "number" | "boolean" | "null" | "array" | "object";

/** A value as the page shows it: strings as they are, anything else as JSON; always rendered as text. */
export interface Shown {
  text: string;
  type: JsonType;
}

const MAX_SHOWN_CHARS = 300;

export function jsonType(value: JsonValue): JsonType {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value as "string" | "number" | "boolean" | "object";
}

/** "a string", "an array", "null": a type as a sentence names it. */
export function withArticle(type: JsonType): string {
  if (type === "null") return "null";
  return `${type === "array" || type === "object" ? "an" : "a"} ${type}`;
}

export function describe(value: JsonValue): Shown {
  const text = typeof value === "string" ? value : JSON.stringify(value);
  const shown = text.length > MAX_SHOWN_CHARS ? `${text.slice(0, MAX_SHOWN_CHARS)}… (${text.length} characters)` : text;
  return { text: shown, type: jsonType(value) };
}

/** A typed value is JSON when it parses as JSON (42, true, null, [1], {"a":1}, "quoted"), else the string as typed. */
export function parseValue(raw: string): { value: JsonValue; asJson: boolean } {
  try {
    return { value: JSON.parse(raw) as JsonValue, asJson: true };
  } catch {
    return { value: raw, asJson: false };
  }
}

/**
 * Next.js refuses a server action's request over 1 MB with a bare error page.
 * The inputs stop well below that, at lengths that can never be stored anyway
 * (a key has at most 256 characters; a value of this many characters is
 * over the default SESSION_MAX_BYTES), so an over-long paste still gets the
 * "too large" message instead of an error page.
 */
export const KEY_INPUT_MAX_CHARS = 1_000;
export const VALUE_INPUT_MAX_CHARS = 300_000;
/** The result echoes the inputs back for the next render, and travels with every post: long values are not echoed. */
export const ECHO_MAX_CHARS = 10_000;

/** What the inputs held when the action ran: they keep it afterwards, with or without JavaScript. */
export interface Fields {
  key: string;
  value: string;
  expiry: string;
}

/** The outcome of the last action, as the forms show it. */
export interface PlaygroundResult {
  ok: boolean;
  op: Op | null;
  message: string;
  /** A value the action read or wrote, shown as text. */
  value?: Shown;
  note?: string;
  /** Django's flags of the action's session: some data was read / changed. */
  flags: { accessed: boolean; modified: boolean };
  fields: Fields;
}
