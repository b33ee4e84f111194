import { createHash } from "node:crypto";
import { sealData, unsealData } from "iron-session";
import { processState } from "./process-state";
import type { SecretList } from "./secret";

/**
 * Sealing with iron-session. Each secret gets a numeric id derived from the
 * secret itself, so the id of an old secret stays the same however the list
 * is reordered during a rotation.
 */
function secretId(secret: string): string {
  let id = secretIds.get(secret);
  if (id === undefined) secretIds.set(secret, (id = String(createHash("sha256").update(secret).digest().readUInt32BE(0))));
  return id;
}
const secretIds = new Map<string, string>();

/**
 * Seals with the first secret, without an expiry (the session enforces its own).
 * What it sealed counts as opened: the page that renders after the proxy wrote a
 * cookie presents that very string, and it is as trustworthy as one verified.
 */
export async function seal(data: object, secrets: SecretList): Promise<string> {
  const json = JSON.stringify(data);
  const sealed = await sealData(data, { password: { [secretId(secrets[0])]: secrets[0] }, ttl: NO_TTL });
  remember(openedWith(secrets), sealed, json);
  return sealed;
}

const NO_TTL = 0; // expiry is enforced by the session, not by the seal

/**
 * How long seal(data, secrets) is, without sealing: for a size check before a
 * change is accepted. iron's form, `Fe26.2*id*salt*iv*ciphertext**salt*mac~2`:
 * two 64-hex-digit salts, a 16-byte IV, AES-256-CBC's padded ciphertext and a
 * 32-byte MAC, in unpadded base64url (test/seal.test.ts compares it with real seals).
 */
export function sealedLength(data: object, secrets: SecretList): number {
  const ciphertextBytes = (Math.floor(Buffer.byteLength(JSON.stringify(data)) / 16) + 1) * 16;
  const base64url = (bytes: number) => Math.ceil((bytes * 4) / 3);
  return "Fe26.2".length + secretId(secrets[0]).length + 64 + base64url(16) + base64url(ciphertextBytes) + 64 + base64url(32) + "~2".length + 7;
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
 * open the same cookie on every request. The proxy and the pages are separate
 * bundles, each with its own copy of this module and of the secret list, so the
 * cache is the process's (process-state.ts), found by a hash of the secrets.
 * A hit is the exact string verified before, so it is as trustworthy as
 * verifying again. What is kept is the opened JSON text, parsed again on each
 * hit: no caller can change a cached value in place, and an entry costs its
 * text, never the object graph a few kilobytes of JSON can describe
 * (`[{},{},…]`). Bounded, oldest out first: at most OPENED_LIMIT × (a 4 KB
 * cookie and its plaintext, two bytes a character past Latin-1), about 115 MB
 * per secret list at worst.
 */
const OPENED_LIMIT = 10_000;
const openedBySecretList = new WeakMap<SecretList, Map<string, string>>();

function openedWith(secrets: SecretList): Map<string, string> {
  const known = openedBySecretList.get(secrets);
  if (known) return known;
  const shared = (processState().openedSeals ??= new Map());
  const name = createHash("sha256").update(JSON.stringify(secrets)).digest("base64url");
  const cache = shared.get(name) ?? new Map<string, string>();
  shared.set(name, cache);
  openedBySecretList.set(secrets, cache);
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
  if (hit !== undefined) return JSON.parse(hit) as Record<string, unknown>;
  const data = await unsealUncached(sealed, secrets, onFailure);
  if (data) remember(cache, sealed, JSON.stringify(data));
  return data;
}

function remember(cache: Map<string, string>, sealed: string, json: string): void {
  if (cache.size >= OPENED_LIMIT) cache.delete(cache.keys().next().value!);
  cache.set(sealed, json);
}

async function unsealUncached(sealed: string, secrets: SecretList, onFailure?: (reason: UnsealFailure) => void): Promise<Record<string, unknown> | null> {
  const id = canonicalSealId(sealed);
  if (id === null) {
    onFailure?.("not canonical");
    return null;
  }
  const password = secrets.find((secret) => secretId(secret) === id);
  if (password === undefined) {
    onFailure?.("unknown-password"); // sealed with a secret this process does not have (rotated out, or another app's)
    return null;
  }
  const data = await unsealedObject(sealed, id, password);
  if (!data) onFailure?.("invalid"); // a bad MAC, above all
  return data;
}

/** The non-empty object iron-session opens, else null: it answers {} for a seal it refuses (a bad MAC, above all), and throws for a few malformed ones. */
async function unsealedObject(sealed: string, id: string, password: string): Promise<Record<string, unknown> | null> {
  let data: unknown;
  try {
    data = await unsealData<Record<string, unknown>>(sealed, { password: { [id]: password }, ttl: NO_TTL });
  } catch {
    return null;
  }
  return typeof data === "object" && data !== null && !Array.isArray(data) && Object.keys(data).length > 0 ? (data as Record<string, unknown>) : null;
}
