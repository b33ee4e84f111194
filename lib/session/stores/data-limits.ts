import { SessionTooLargeError } from "../errors";
import type { JsonValue, WriteContext } from "../types";

type Data = Record<string, JsonValue>;

const USER_ID_KEY = "_auth_user_id";

/** The signed-in user a session's data names (the reserved `_auth_user_id`), or null for an anonymous one. */
export function userIdOf(data: Data): number | null {
  const value = data[USER_ID_KEY];
  return typeof value === "number" && Number.isInteger(value) ? value : null;
}

/**
 * Refuses data past its limit (SESSION_ANONYMOUS_MAX_BYTES without a signed-in user), for the
 * stores that hold a session's data in JavaScript (memory, file); libSQL and Redis check the
 * same in their one statement or script.
 */
export function assertWithinLimit(data: Data, ctx: WriteContext): void {
  const bytes = Buffer.byteLength(JSON.stringify(data));
  const anonymous = Math.min(ctx.anonymousMaxBytes ?? ctx.maxBytes, ctx.maxBytes);
  const limit = userIdOf(data) === null ? anonymous : ctx.maxBytes;
  if (bytes > limit) throw new SessionTooLargeError(bytes, limit, limit < ctx.maxBytes ? "SESSION_ANONYMOUS_MAX_BYTES" : "SESSION_MAX_BYTES");
}
