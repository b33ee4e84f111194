import { createHash } from "node:crypto";
import { sealData, unsealData } from "iron-session";
import type { SecretList } from "./secret";

/**
 * Sealing with iron-session. Each secret gets a numeric id derived from the
 * secret itself, so the id of an old secret stays the same however the list
 * is reordered during a rotation.
 */
function secretId(secret: string): number {
  return createHash("sha256").update(secret).digest().readUInt32BE(0);
}

const NO_TTL = 0; // expiry is enforced by the session, not by the seal

export function seal(data: object, secrets: SecretList): Promise<string> {
  return sealData(data, { password: { [secretId(secrets[0])]: secrets[0] }, ttl: NO_TTL });
}

export type UnsealFailure = "invalid" | "expired" | "unknown-password";

/** The sealed object, or null (with the reason) when the seal is not ours. */
export async function unseal(
  sealed: string,
  secrets: SecretList,
  onFailure?: (reason: UnsealFailure) => void,
): Promise<Record<string, unknown> | null> {
  const passwords = Object.fromEntries(secrets.map((s) => [secretId(s), s]));
  let failed = false;
  const data = await unsealData<Record<string, unknown>>(sealed, {
    password: passwords,
    ttl: NO_TTL,
    onUnsealError: (reason) => {
      failed = true;
      onFailure?.(reason);
    },
  });
  return failed || typeof data !== "object" || data === null ? null : data;
}
