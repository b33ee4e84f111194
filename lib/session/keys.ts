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
  return oneShotHash ? oneShotHash("sha256", key, "base64url") : crypto.createHash("sha256").update(key).digest("base64url");
}

/** Node's one-shot digest (20.12 and later): a third of createHash's time, and every statement hashes its key. */
const oneShotHash = (crypto as { hash?: (algorithm: string, data: string, encoding: "base64url") => string }).hash;
