// Sessions shaped like the demo's, for the capacity figures: what a browser's request writes
// (its User-Agent and network go with every write) and what a /library visitor and a signed-in
// user keep (lib/auth/sign-in.ts: `_auth_user_id`, and `_auth_user_hash`, an HMAC-SHA256 in
// base64url, 43 characters).
import { randomBytes } from "node:crypto";
import type { JsonValue } from "../../lib/session";
import type { WriteContext } from "../../lib/session/testing";

export const USER_AGENT = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36";
export const NETWORK = "203.0.113.0/24";
export const AUTH_HASH_LENGTH = 43;
/** Devices per signed-in user (a laptop and a phone): how many sessions share one per-user entry. */
export const SESSIONS_PER_USER = 2;
export const MAX_BYTES = 65_536;
const TWO_WEEKS_MS = 1_209_600_000;

export function writeContext(): WriteContext {
  return { expiresAt: Date.now() + TWO_WEEKS_MS, userAgent: USER_AGENT, network: NETWORK, maxBytes: MAX_BYTES };
}

/** A signed-in session's data: the `i`th signed-in session belongs to user i / SESSIONS_PER_USER. */
export function signedInData(i: number): Record<string, JsonValue> {
  return {
    num_visits: 3,
    _auth_user_id: 1 + Math.floor(i / SESSIONS_PER_USER),
    _auth_user_hash: randomBytes(32).toString("base64url"), // AUTH_HASH_LENGTH characters
  };
}
