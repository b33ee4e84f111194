import * as crypto from "node:crypto";

/** 256 bits from the CSPRNG, URL-safe. */
export function newSessionKey(): string {
  return crypto.randomBytes(32).toString("base64url");
}

const KEY_SHAPE = /^[A-Za-z0-9_-]{43}$/;

export function isWellFormedKey(key: unknown): key is string {
  return typeof key === "string" && KEY_SHAPE.test(key);
}

/** What the database stores instead of the key: a copy of the table cannot be replayed as cookies. */
export function hashKey(key: string): string {
  let hash = hashedLately.get(key);
  if (hash !== undefined) return hash;
  hash = oneShotHash ? oneShotHash("sha256", key, "base64url") : crypto.createHash("sha256").update(key).digest("base64url");
  if (hashedLately.size >= HASHES_KEPT) hashedLately.delete(hashedLately.keys().next().value!);
  hashedLately.set(key, hash);
  return hash;
}

/**
 * Every statement hashes its key, and under load a digest costs several
 * times what a lookup does (docs/DESIGN.md). The keys seen lately are kept
 * with their hashes, as opened seals are (seal.ts): the process holds those
 * keys in memory for the request anyway. Bounded, oldest out first.
 */
const HASHES_KEPT = 10_000;
const hashedLately = new Map<string, string>();

/** Node's one-shot digest (20.12 and later): a third of createHash's time, and every statement hashes its key. */
const oneShotHash = (crypto as { hash?: (algorithm: string, data: string, encoding: "base64url") => string }).hash;
