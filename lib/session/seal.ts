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

export type UnsealFailure = "invalid" | "unknown-password" | "not canonical";

/**
 * The one form our seals take: `Fe26.2*id*salt*iv*ciphertext*expiry*salt*mac~2`.
 * iron-session strips anything after the first "~" and decodes base64
 * leniently (the spare bits of a last character are ignored), so other
 * strings would open the same seal. A cookie must count byte for byte: only
 * this exact form, with canonical base64url, is unsealed at all.
 */
const SEAL_FORM = /^Fe26\.2\*(0|[1-9]\d{0,9})\*[0-9a-f]{64}\*([A-Za-z0-9_-]+)\*([A-Za-z0-9_-]+)\*\*[0-9a-f]{64}\*([A-Za-z0-9_-]{43})~2$/;

/** The id of the secret a seal names, when the seal has exactly our form; else null. */
function canonicalSealId(sealed: string): string | null {
  const parts = SEAL_FORM.exec(sealed);
  if (!parts) return null;
  const [, id, ...base64] = parts;
  return base64.every((part) => Buffer.from(part, "base64url").toString("base64url") === part) ? id : null;
}

/**
 * Seals this process already opened, by secret list: unsealing costs about a
 * millisecond of key derivation and crypto here, and the proxy and the page
 * open the same cookie on every request. A hit is the exact string verified
 * before, so it is as trustworthy as verifying again. Bounded, oldest out first.
 */
const OPENED_LIMIT = 10_000;
const opened = new WeakMap<SecretList, Map<string, Record<string, unknown>>>();

function openedWith(secrets: SecretList): Map<string, Record<string, unknown>> {
  let cache = opened.get(secrets);
  if (!cache) opened.set(secrets, (cache = new Map()));
  return cache;
}

/** The sealed object, or null (with the reason) when the seal is not ours. */
export async function unseal(
  sealed: string,
  secrets: SecretList,
  onFailure?: (reason: UnsealFailure) => void,
): Promise<Record<string, unknown> | null> {
  const cache = openedWith(secrets);
  const hit = cache.get(sealed);
  if (hit) return { ...hit };
  const data = await unsealUncached(sealed, secrets, onFailure);
  if (data) {
    if (cache.size >= OPENED_LIMIT) cache.delete(cache.keys().next().value!);
    cache.set(sealed, data);
  }
  return data && { ...data };
}

async function unsealUncached(
  sealed: string,
  secrets: SecretList,
  onFailure?: (reason: UnsealFailure) => void,
): Promise<Record<string, unknown> | null> {
  const id = canonicalSealId(sealed);
  if (id === null) {
    onFailure?.("not canonical");
    return null;
  }
  const passwords = Object.fromEntries(secrets.map((secret) => [secretId(secret), secret]));
  if (!Object.hasOwn(passwords, id)) {
    onFailure?.("unknown-password"); // sealed with a secret this process does not have (rotated out, or another app's)
    return null;
  }
  let data: Record<string, unknown>;
  try {
    // iron-session answers {} for a seal it refuses (a bad MAC, above all), and throws for a few malformed ones.
    data = await unsealData<Record<string, unknown>>(sealed, { password: passwords, ttl: NO_TTL });
  } catch {
    data = {};
  }
  if (typeof data !== "object" || data === null || Object.keys(data).length === 0) {
    onFailure?.("invalid");
    return null;
  }
  return data;
}
