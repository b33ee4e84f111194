// Tampered real seals (every byte position, the version mark, appended and cut) and junk cookies.
import { COOKIE_NAME } from "../env";
import type { Rng } from "./prng";

export interface Tampered {
  value: string;
  /** What was changed, e.g. `char 117/289 (ciphertext) 'x'→'A'`. */
  label: string;
}

const FIELD_NAMES = ["prefix", "password id", "salt", "iv", "ciphertext", "expiration", "hmac salt", "hmac", "version mark"];

/** Which part of an iron seal (`Fe26.2*id*salt*iv*cipher*exp*hmacSalt*hmac~2`) position `at` is in. */
export function sealField(seal: string, at: number): string {
  const c = seal[at];
  if (c === "*" || c === "~") return `separator ${c}`;
  const before = seal.slice(0, at);
  if (before.includes("~")) return FIELD_NAMES[8];
  return FIELD_NAMES[Math.min(before.split("*").length - 1, 7)] ?? "?";
}

const REPLACEMENTS = "Aa0_-*~.2Z9%";
// Whitespace at the very end of a header is not part of it (HTTP trims it), and ";" starts another cookie:
// whitespace goes with something after it, and no separators.
const APPENDED = ["2", "~2", "a", "=", "==", " x", "%20", "*", "~", "\tx", "00", "%3B"];

/**
 * Tampering of one kind, at a position that sweeps the whole seal as the
 * campaign goes (`sweep` counts up: every byte is changed in turn).
 */
export function tamper(seal: string, kind: number, sweep: number): Tampered {
  const len = seal.length;
  const at = sweep % len;
  const show = (c: string | undefined) => JSON.stringify(c ?? "");
  switch (kind % 8) {
    case 0:
    case 1: {
      // replace one character: the most common kind, so every position is hit
      const old = seal[at];
      let r = REPLACEMENTS[(sweep + kind) % REPLACEMENTS.length];
      if (r === old) r = REPLACEMENTS[(sweep + kind + 1) % REPLACEMENTS.length];
      return { value: seal.slice(0, at) + r + seal.slice(at + 1), label: `char ${at}/${len} (${sealField(seal, at)}) ${show(old)}→${show(r)}` };
    }
    case 2:
      return { value: seal.slice(0, at) + seal.slice(at + 1), label: `char ${at}/${len} (${sealField(seal, at)}) deleted` };
    case 3: {
      const r = REPLACEMENTS[sweep % REPLACEMENTS.length];
      return { value: seal.slice(0, at) + r + seal.slice(at), label: `${show(r)} inserted at ${at}/${len} (${sealField(seal, at)})` };
    }
    case 4: {
      const suffix = APPENDED[sweep % APPENDED.length];
      return { value: seal + suffix, label: `${show(suffix)} appended` };
    }
    case 5: {
      const cut = 1 + (sweep % 6);
      return { value: seal.slice(0, len - cut), label: `last ${cut} char(s) cut` };
    }
    case 6: {
      const marks = ["~3", "~1", "~02", "~20", "", "~ 2", "~2~2", "~", "~22", "*2"];
      const mark = marks[sweep % marks.length];
      const base = seal.endsWith("~2") ? seal.slice(0, -2) : seal;
      return { value: base + mark, label: `version mark ~2 → ${show(mark)}` };
    }
    default: {
      const variants: [string, (s: string) => string][] = [
        ["prefix fe26", (s) => s.replace(/^Fe26/, "fe26")],
        ["prefix FE26", (s) => s.replace(/^Fe26/, "FE26")],
        ["prefix Fe26.1", (s) => s.replace(/^Fe26\.2/, "Fe26.1")],
        ["upper-cased", (s) => s.toUpperCase()],
        ["two adjacent chars swapped", (s) => swapAt(s, at)],
        ["doubled", (s) => s + s],
      ];
      const [label, change] = variants[sweep % variants.length];
      const value = change(seal);
      return value === seal ? tamper(seal, 0, sweep) : { value, label };
    }
  }
}

function swapAt(s: string, at: number): string {
  for (let i = at; i < at + s.length; i++) {
    const a = i % (s.length - 1);
    if (s[a] !== s[a + 1]) return s.slice(0, a) + s[a + 1] + s[a] + s.slice(a + 2);
  }
  return s;
}

export interface Junk {
  label: string;
  /** The whole Cookie header. */
  header: string;
  /** The server must treat the request as a new visitor's. */
  fresh: boolean;
}

/** Cookie headers of noise: never a live seal. */
export function junkCookie(rng: Rng, kind: number, seals: { foreign: string; unknownKey: () => string; tampered: string }): Junk {
  // Header bytes a client may send (0x20-0x7e, 0x80-0xff), but no cookie separators.
  const latin1 = (n: number) =>
    Array.from(rng.bytes(n), (b) => String.fromCharCode(b < 0x80 ? 0x20 + (b % 0x5f) : b))
      .join("")
      .replace(/[;,\\]/g, "");
  const makers: (() => Junk)[] = [
    () => ({ label: "random base64", header: `${COOKIE_NAME}=${rng.bytes(1 + rng.int(300)).toString("base64")}`, fresh: true }),
    () => ({ label: "random base64url 250 chars", header: `${COOKIE_NAME}=${rng.bytes(190).toString("base64url").slice(0, 250)}`, fresh: true }),
    () => ({ label: "4,097 chars", header: `${COOKIE_NAME}=${"A".repeat(4_097)}`, fresh: true }),
    () => ({ label: "8 KB", header: `${COOKIE_NAME}=${"B".repeat(8_000)}`, fresh: true }),
    () => ({ label: "seal-shaped 4,097 chars", header: `${COOKIE_NAME}=Fe26.2*1*${"a".repeat(4_085)}~2`, fresh: true }),
    () => ({
      label: `30 cookies named ${COOKIE_NAME} (junk)`,
      header: Array.from({ length: 30 }, (_, j) => `${COOKIE_NAME}=${j}${rng.bytes(8).toString("hex")}`).join("; "),
      fresh: true,
    }),
    () => ({ label: "tampered seal then junk duplicates", header: `${COOKIE_NAME}=${seals.tampered}; ${COOKIE_NAME}=x; ${COOKIE_NAME}=`, fresh: true }),
    () => ({ label: "latin-1 bytes", header: `${COOKIE_NAME}=${latin1(60)}`, fresh: true }),
    () => ({ label: "percent garbage", header: `${COOKIE_NAME}=%E0%A4%A%ZZ%00%FF`, fresh: true }),
    () => ({ label: "percent-encoded NUL and CR LF", header: `${COOKIE_NAME}=%00%0d%0aSet-Cookie:%20x=1`, fresh: true }),
    () => ({ label: "empty value", header: `${COOKIE_NAME}=`, fresh: true }),
    () => ({ label: "name only", header: COOKIE_NAME, fresh: true }),
    () => ({ label: "separators only", header: ";;; ;", fresh: true }),
    () => ({ label: "quoted junk", header: `${COOKIE_NAME}="Fe26.2**~2"`, fresh: true }),
    () => ({ label: "empty seal fields", header: `${COOKIE_NAME}=Fe26.2*********~2`, fresh: true }),
    () => ({ label: "seal of another secret", header: `${COOKIE_NAME}=${seals.foreign}`, fresh: true }),
    () => ({ label: "valid seal of a key with no row", header: `${COOKIE_NAME}=${seals.unknownKey()}`, fresh: true }),
    () => ({ label: "junk + session_checked=cookie", header: `${COOKIE_NAME}=${rng.bytes(30).toString("base64url")}; session_checked=cookie`, fresh: true }),
    () => ({ label: "junk + session_checked=junk", header: `session_checked=${latin1(20)}; ${COOKIE_NAME}=zz`, fresh: true }),
    () => ({ label: "1,000 other cookies", header: Array.from({ length: 1_000 }, (_, j) => `c${j}=${j}`).join("; "), fresh: true }),
  ];
  return makers[kind % makers.length]();
}

export const JUNK_KINDS = 20;
