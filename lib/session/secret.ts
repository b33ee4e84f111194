import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { ImproperlyConfigured } from "./settings";

/** Secrets that seal cookies: the first seals, every one unseals (rotation). */
export type SecretList = readonly [string, ...string[]];

const MIN_LENGTH = 32;
export const GENERATED_SECRET_FILE = "data/session-secret";

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

/** Reads the secret generated on first start, creating it (mode 0600) if missing. */
function generatedSecret(file: string): string {
  try {
    return readFileSync(file, "utf8").trim();
  } catch {
    const secret = randomBytes(32).toString("base64url");
    mkdirSync(dirname(file), { recursive: true });
    try {
      writeFileSync(file, secret + "\n", { mode: 0o600, flag: "wx" });
    } catch {
      // Another process won the race to create it: use theirs.
      return readFileSync(file, "utf8").trim();
    }
    if (process.env.NODE_ENV === "production") {
      console.warn(`[session] SESSION_SECRET is not set: generated one into ${file}. Set SESSION_SECRET in production.`);
    }
    return secret;
  }
}

let cached: SecretList | undefined;

export function secrets(): SecretList {
  if (!cached) {
    const raw = process.env.SESSION_SECRET;
    cached = raw ? parseSecrets(raw) : [generatedSecret(process.env.SESSION_SECRET_FILE || GENERATED_SECRET_FILE)];
  }
  return cached;
}
