import { ImproperlyConfigured } from "./errors";

/** Secrets that seal cookies: the first seals, every one unseals (rotation). */
export type SecretList = readonly [string, ...string[]];

const MIN_LENGTH = 32;

/** SESSION_SECRET's form: a comma-separated list, each at least 32 characters. */
export function parseSecrets(raw: string): SecretList {
  const secrets = raw.split(",").map((s) => s.trim()).filter(Boolean);
  if (secrets.length === 0) throw new ImproperlyConfigured("SESSION_SECRET is set but holds no secret");
  for (const secret of secrets) {
    if (secret.length < MIN_LENGTH) {
      throw new ImproperlyConfigured(`SESSION_SECRET: every secret must be at least ${MIN_LENGTH} characters (one has ${secret.length})`);
    }
  }
  return secrets as unknown as SecretList;
}
