import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from "node:crypto";
import { hashingQueue, LOCAL_CLIENT } from "./hashing-queue";

export { isQueueFullError, LOCAL_CLIENT, QueueFullError } from "./hashing-queue";

const PARAMS = { N: 16384, r: 8, p: 1 } as const;
const KEY_LENGTH = 32;

/**
 * One scrypt derivation, through the process's hashing line (`hashing-queue.ts`):
 * one at a time, so a flood of sign-ins cannot fill libuv's thread pool and
 * starve page rendering, and in turn per `client` (the throttle's client key),
 * so one client's flood cannot starve the others. Rejects with QueueFullError,
 * without hashing, when refused: callers treat that as "throttled, try again".
 */
function derive(password: string, salt: Buffer, options: ScryptOptions, client: string, knownDevice = false): Promise<Buffer> {
  return hashingQueue.run(
    () =>
      new Promise<Buffer>((resolve, reject) =>
        scrypt(password.normalize("NFKC"), salt, KEY_LENGTH, options, (err, key) => (err ? reject(err) : resolve(key))),
      ),
    client,
    knownDevice,
  );
}

/** A salted scrypt hash: `scrypt$N$r$p$salt$hash`. */
export async function hashPassword(password: string, client: string = LOCAL_CLIENT): Promise<string> {
  if (password.includes("\u0000")) throw new TypeError("A password may not contain a NUL character");
  const salt = randomBytes(16);
  const key = await derive(password, salt, PARAMS, client);
  return ["scrypt", PARAMS.N, PARAMS.r, PARAMS.p, salt.toString("base64url"), key.toString("base64url")].join("$");
}

/** Constant-time check of a password against a stored hash; false for any malformed hash. */
export async function verifyPassword(password: string, stored: string, client: string = LOCAL_CLIENT, knownDevice = false): Promise<boolean> {
  // scrypt keys HMAC with the password, and HMAC pads a short key with zero bytes: "pw" and
  // "pw\0" would derive the same hash. No password holds a NUL (Django's forms refuse them too).
  if (password.includes("\u0000")) return false;
  const [scheme, n, r, p, salt, hash] = stored.split("$");
  if (scheme !== "scrypt" || !salt || !hash) return false;
  const expected = Buffer.from(hash, "base64url");
  const actual = await derive(password, Buffer.from(salt, "base64url"), { N: Number(n), r: Number(r), p: Number(p) }, client, knownDevice);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/**
 * Hashed once per process and checked against when the user does not exist, so a miss costs what a hit costs.
 * A failed attempt (the hashing line was full) is forgotten, so the next caller tries again.
 */
let decoy: Promise<string> | undefined;
export function decoyHash(client: string = LOCAL_CLIENT): Promise<string> {
  if (!decoy) {
    const attempt = hashPassword(randomBytes(16).toString("hex"), client);
    decoy = attempt;
    attempt.catch(() => {
      if (decoy === attempt) decoy = undefined;
    });
  }
  return decoy;
}
