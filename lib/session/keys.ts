import { createHash, randomBytes } from "node:crypto";

/** 256 bits from the CSPRNG, URL-safe. */
export function newSessionKey(): string {
  return randomBytes(32).toString("base64url");
}

const KEY_SHAPE = /^[A-Za-z0-9_-]{43}$/;

export function isWellFormedKey(key: unknown): key is string {
  return typeof key === "string" && KEY_SHAPE.test(key);
}

/** What the database stores instead of the key: a copy of the table cannot be replayed as cookies. */
export function hashKey(key: string): string {
  return createHash("sha256").update(key).digest("base64url");
}
