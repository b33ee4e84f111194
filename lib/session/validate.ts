import { SessionValueError } from "./errors";
import type { JsonValue } from "./types";

/**
 * The one validation path: every change a session accepts (set, update,
 * setdefault, delete, pop, increment, and the framework's own reserved
 * writes) is checked here before any storage is touched, so a bad key or
 * value is a SessionValueError (a 400 at the edge) and never reaches the
 * database as a failing statement.
 */

export const MAX_DATA_KEY_LENGTH = 256;
/** Nesting a value may have: SQLite's JSON functions refuse past 1,000, and no session needs 100. */
export const MAX_VALUE_DEPTH = 100;
/** Keys starting with this belong to the framework and sign-in: no client-facing surface writes them. */
export const RESERVED_PREFIX = "_";

/** Who asks for a write: the app on a client's behalf, or the framework itself (sign-in, expiry, messages). */
export type Writer = "app" | "framework";

/**
 * Session keys are addressed inside SQLite JSON paths (`$."key"`), which have
 * no escape for `"` or `\`; refusing those (and control characters) keeps
 * every key addressable. A lone surrogate would be stored as U+FFFD by SQLite
 * but kept by JavaScript, so the two would disagree about the key.
 */
export function assertValidDataKey(key: unknown, writer: Writer = "app"): asserts key is string {
  if (typeof key !== "string" || key.length === 0) {
    throw new SessionValueError("Session key must be a non-empty string");
  }
  if (key.length > MAX_DATA_KEY_LENGTH) {
    throw new SessionValueError(`Session key is too long (${key.length} characters; at most ${MAX_DATA_KEY_LENGTH})`);
  }
  if (/["\\\u0000-\u001f\u007f]/.test(key)) {
    throw new SessionValueError(`Session key ${JSON.stringify(key)} may not contain a double quote, a backslash or control characters`);
  }
  if (!key.isWellFormed()) throw new SessionValueError("Session key must be well-formed Unicode (it has a lone surrogate)");
  if (writer === "app" && key.startsWith(RESERVED_PREFIX)) {
    throw new SessionValueError(`Session keys starting with "${RESERVED_PREFIX}" are reserved for the framework and sign-in`);
  }
}

/** The framework's own keys must be reserved ones: a typo cannot make them client-writable. */
export function assertReservedDataKey(key: string): void {
  assertValidDataKey(key, "framework");
  if (!key.startsWith(RESERVED_PREFIX)) throw new SessionValueError(`${JSON.stringify(key)} is not a reserved key`);
}

export function jsonPath(key: string): string {
  assertValidDataKey(key, "framework");
  return `$."${key}"`;
}

/** A number JSON, SQLite and JavaScript all hold exactly. */
function numberProblem(n: number): string | null {
  if (!Number.isFinite(n)) return `${n} is not a finite number`;
  if (Math.abs(n) > Number.MAX_SAFE_INTEGER) return `${n} is beyond ±${Number.MAX_SAFE_INTEGER} (not exact in JavaScript)`;
  return null;
}

/**
 * What is wrong with a value, or null. Iterative (an explicit stack), so a
 * value nested 200,000 deep is refused instead of overflowing the call stack.
 */
function jsonProblem(root: unknown): string | null {
  const stack: { value: unknown; depth: number }[] = [{ value: root, depth: 0 }];
  // The deepest level each container was walked at: a shared object is walked again only when
  // reached deeper, so the walk stays bounded, and a cycle runs into the depth limit.
  const walkedAt = new Map<object, number>();
  while (stack.length > 0) {
    const { value, depth } = stack.pop()!;
    switch (typeof value) {
      case "boolean":
        continue;
      case "string":
        if (!value.isWellFormed()) return "a string has a lone surrogate (not well-formed Unicode)";
        continue;
      case "number": {
        const problem = numberProblem(value);
        if (problem) return problem;
        continue;
      }
      case "object": {
        if (value === null) continue;
        if (depth >= MAX_VALUE_DEPTH) return `it is nested deeper than ${MAX_VALUE_DEPTH} levels (or contains a cycle)`;
        if ((walkedAt.get(value) ?? -1) >= depth) continue;
        const proto: unknown = Object.getPrototypeOf(value);
        if (!Array.isArray(value) && proto !== Object.prototype && proto !== null) {
          return `${(value as object).constructor?.name ?? "object"} is not a plain JSON object`;
        }
        walkedAt.set(value, depth);
        if (Array.isArray(value)) {
          for (const item of value) stack.push({ value: item, depth: depth + 1 });
        } else {
          for (const [key, item] of Object.entries(value)) {
            if (!key.isWellFormed()) return "an object key has a lone surrogate (not well-formed Unicode)";
            stack.push({ value: item, depth: depth + 1 });
          }
        }
        continue;
      }
      default:
        return `${typeof value} is not JSON`;
    }
  }
  return null;
}

/** Only JSON values may be stored; anything else throws a TypeError naming the key. */
export function assertJsonValue(key: string, value: unknown): asserts value is JsonValue {
  const problem = jsonProblem(value);
  if (problem) throw new SessionValueError(`Session value for ${JSON.stringify(key)} must be JSON: ${problem}`);
}

/** A change of one key: its form, who may write it, and (when set) its value. */
export function assertChange(key: unknown, writer: Writer, ...value: [] | [unknown]): asserts key is string {
  assertValidDataKey(key, writer);
  if (value.length === 1) assertJsonValue(key, value[0]);
}

/** An increment step: a safe integer, so the stored count stays exact. */
export function assertIncrement(key: string, by: unknown, writer: Writer = "app"): asserts by is number {
  assertValidDataKey(key, writer);
  if (typeof by !== "number" || !Number.isSafeInteger(by)) {
    throw new SessionValueError(`increment of ${JSON.stringify(key)}: the step must be a whole number within ±${Number.MAX_SAFE_INTEGER}, got ${String(by)}`);
  }
}

/** The result of an increment, checked before it is stored. */
export function assertIncrementResult(key: string, current: unknown, by: number): number {
  if (current !== undefined && !(typeof current === "number" && Number.isInteger(current))) {
    throw new SessionValueError(`Session value ${JSON.stringify(key)} is not a whole number and cannot be incremented`);
  }
  const result = ((current as number | undefined) ?? 0) + by;
  if (!Number.isSafeInteger(result)) {
    throw new SessionValueError(`increment of ${JSON.stringify(key)} would leave ±${Number.MAX_SAFE_INTEGER}`);
  }
  return result;
}

/** Copies an object without invoking `__proto__` setters: a key named `__proto__` stays an ordinary key. */
export function ownCopy<T>(data: Record<string, T>): Record<string, T> {
  const copy: Record<string, T> = {};
  for (const [key, value] of Object.entries(data)) putOwn(copy, key, value);
  return copy;
}

/** `target[key] = value`, except that `__proto__` is defined as an own property instead of replacing the prototype. */
export function putOwn<T>(target: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}
