import { SessionValueError } from "./errors";
import type { JsonValue } from "./types";

export const MAX_KEY_LENGTH = 256;

/**
 * Session keys are addressed inside SQLite JSON paths (`$."key"`), which have
 * no escape for `"` or `\`; refusing those (and control characters) keeps
 * every key addressable.
 */
export function assertValidKey(key: unknown): asserts key is string {
  if (typeof key !== "string" || key.length === 0) {
    throw new SessionValueError("Session key must be a non-empty string");
  }
  if (key.length > MAX_KEY_LENGTH) {
    throw new SessionValueError(`Session key is too long (${key.length} characters; at most ${MAX_KEY_LENGTH})`);
  }
  if (/["\\\u0000-\u001f\u007f]/.test(key)) {
    throw new SessionValueError(`Session key ${JSON.stringify(key)} may not contain a double quote, a backslash or control characters`);
  }
}

export function jsonPath(key: string): string {
  assertValidKey(key);
  return `$."${key}"`;
}

function jsonProblem(value: unknown, seen: Set<object>): string | null {
  switch (typeof value) {
    case "string":
    case "boolean":
      return null;
    case "number":
      return Number.isFinite(value) ? null : `${value} is not a finite number`;
    case "object": {
      if (value === null) return null;
      if (seen.has(value)) return "it contains a cycle";
      const proto = Object.getPrototypeOf(value);
      if (!Array.isArray(value) && proto !== Object.prototype && proto !== null) {
        return `${(value as object).constructor?.name ?? "object"} is not a plain JSON object`;
      }
      seen.add(value);
      for (const item of Array.isArray(value) ? value : Object.values(value)) {
        const problem = jsonProblem(item, seen);
        if (problem) return problem;
      }
      seen.delete(value);
      return null;
    }
    default:
      return `${typeof value} is not JSON`;
  }
}

/** Only JSON values may be stored; anything else throws a TypeError naming the key. */
export function assertJsonValue(key: string, value: unknown): asserts value is JsonValue {
  const problem = jsonProblem(value, new Set());
  if (problem) throw new SessionValueError(`Session value for ${JSON.stringify(key)} must be JSON: ${problem}`);
}
