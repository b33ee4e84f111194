import { createCipheriv, createDecipheriv, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from "node:crypto";

/**
 * Iron's seal format (`Fe26.2`, as iron-session 8 writes it with its `~2`
 * mark and no expiry), computed with node:crypto in one synchronous call:
 * AES-256-CBC under a PBKDF2-SHA1 key (1 iteration, a fresh 256-bit salt),
 * then HMAC-SHA256 under another such key over everything before the MAC.
 * iron-session does the same through WebCrypto, eight awaited operations per
 * seal and per unseal; test/seal.test.ts checks both open each other's seals.
 */
const PREFIX = "Fe26.2";
const VERSION_MARK = "~2";

function derivedKey(password: string, salt: string): Buffer {
  return pbkdf2Sync(password, salt, 1, 32, "sha1");
}

function mac(password: string, salt: string, base: string): Buffer {
  return createHmac("sha256", derivedKey(password, salt)).update(base).digest();
}

/** Seals `json` (a JSON text) under `password`, naming it by `id`. */
export function ironSeal(json: string, id: string, password: string): string {
  const random = randomBytes(80); // both salts and the IV in one call
  const encryptionSalt = random.toString("hex", 0, 32);
  const macSalt = random.toString("hex", 32, 64);
  const iv = random.subarray(64);
  const cipher = createCipheriv("aes-256-cbc", derivedKey(password, encryptionSalt), iv);
  const encrypted = Buffer.concat([cipher.update(json, "utf8"), cipher.final()]);
  const base = `${PREFIX}*${id}*${encryptionSalt}*${iv.toString("base64url")}*${encrypted.toString("base64url")}*`;
  return `${base}*${macSalt}*${mac(password, macSalt, base).toString("base64url")}${VERSION_MARK}`;
}

/** The length of ironSeal's answer for a JSON text of `jsonBytes` UTF-8 bytes under an id of `idLength` characters. */
export function ironSealLength(jsonBytes: number, idLength: number): number {
  const ciphertextBytes = (Math.floor(jsonBytes / 16) + 1) * 16; // CBC with PKCS#7 padding
  const base64url = (bytes: number) => Math.ceil((bytes * 4) / 3);
  // Fe26.2 * id * salt * iv * ciphertext * (no expiry) * salt * mac ~2
  return PREFIX.length + 1 + idLength + 1 + 64 + 1 + base64url(16) + 1 + base64url(ciphertextBytes) + 2 + 64 + 1 + 43 + VERSION_MARK.length;
}

/**
 * The JSON text a seal of exactly our form carries, or null when its MAC does
 * not verify under `password` or it does not decrypt. The caller has checked
 * the form (`Fe26.2*id*salt*iv*ciphertext**salt*mac~2`, canonical base64url).
 */
export function ironUnseal(sealed: string, password: string): string | null {
  const [prefix, id, encryptionSalt, iv, encrypted, expiry, macSalt, digest] = sealed.slice(0, -VERSION_MARK.length).split("*");
  const base = `${prefix}*${id}*${encryptionSalt}*${iv}*${encrypted}*${expiry}`;
  const expected = mac(password, macSalt, base);
  const given = Buffer.from(digest, "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  try {
    const decipher = createDecipheriv("aes-256-cbc", derivedKey(password, encryptionSalt), Buffer.from(iv, "base64url"));
    return Buffer.concat([decipher.update(Buffer.from(encrypted, "base64url")), decipher.final()]).toString("utf8");
  } catch {
    return null; // bad padding: cannot happen under a verified MAC, unless the secret sealed garbage
  }
}
