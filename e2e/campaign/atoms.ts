// The hostile building blocks of the campaign (keys, JSON values, `next` targets, form
// fields), each with a short label for failure reports, and the contract's rules
// (/work/contract-issue11.md) to tell which of them the server must accept.

export const MAX_SAFE = Number.MAX_SAFE_INTEGER;
export const MAX_KEY_UNITS = 256;
export const MAX_DEPTH = 100;
/** SESSION_MAX_BYTES as the campaign's server runs it (the default). */
export const SESSION_MAX_BYTES = 65_536;
/** Route handler bodies above this get 413 without being read whole: 2 × SESSION_MAX_BYTES + 64 KiB. */
export const BODY_CAP = 2 * SESSION_MAX_BYTES + 65_536;
/** Below this many bytes of stored JSON, a value fits in any session that holds little else. */
export const SURELY_FITS = 60_000;

export interface KeyAtom {
  label: string;
  key: string;
}

export interface ValueAtom {
  label: string;
  /** The value as raw JSON text: it can carry what JSON.stringify cannot (1e400, lone surrogate escapes, duplicate keys). */
  json(): string;
}

/** Why the contract refuses this session key, or null when it must be accepted. */
export function keyProblem(key: unknown): string | null {
  if (typeof key !== "string" || key.length === 0) return "not a non-empty string";
  if (key.length > MAX_KEY_UNITS) return "over 256 UTF-16 units";
  if (/["\\\u0000-\u001f\u007f]/.test(key)) return "quote, backslash or control character";
  if (!key.isWellFormed()) return "lone surrogate";
  if (key.startsWith("_")) return "reserved (starts with _)";
  return null;
}

export function isReserved(key: unknown): boolean {
  return typeof key === "string" && key.startsWith("_");
}

export interface ValueVerdict {
  /** Why the contract refuses the value, or null. */
  problem: string | null;
  /** Bytes of the value as stored JSON (UTF-8), when it is valid. */
  bytes: number;
}

/** The contract's value rules, checked without recursion (some values are 90,000 deep). */
export function judgeValue(value: unknown): ValueVerdict {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (typeof v === "number") {
      if (!Number.isFinite(v)) return { problem: "non-finite number", bytes: 0 };
      if (Math.abs(v) > MAX_SAFE) return { problem: "number beyond ±(2^53-1)", bytes: 0 };
    } else if (typeof v === "string") {
      if (!v.isWellFormed()) return { problem: "lone surrogate in a string", bytes: 0 };
    } else if (v !== null && typeof v === "object") {
      if (depth + 1 > MAX_DEPTH) return { problem: "nested deeper than 100", bytes: 0 };
      if (Array.isArray(v)) {
        for (const item of v) stack.push([item, depth + 1]);
      } else {
        for (const [k, item] of Object.entries(v)) {
          if (!k.isWellFormed()) return { problem: "lone surrogate in an object key", bytes: 0 };
          stack.push([item, depth + 1]);
        }
      }
    } else if (typeof v !== "boolean" && v !== null) {
      return { problem: `${typeof v} is not JSON`, bytes: 0 };
    }
  }
  return { problem: null, bytes: Buffer.byteLength(JSON.stringify(value)) };
}

const verdicts = new Map<string, ValueVerdict>();

/** The verdict on a raw JSON text (memoised per atom text). */
export function judgeJson(text: string): ValueVerdict {
  const cached = verdicts.get(text);
  if (cached) return cached;
  let verdict: ValueVerdict;
  try {
    verdict = judgeValue(JSON.parse(text));
  } catch {
    verdict = { problem: "not JSON", bytes: 0 };
  }
  if (text.length < 400_000) verdicts.set(text, verdict);
  return verdict;
}

// ---------------------------------------------------------------- keys

const k = (label: string, key: string): KeyAtom => ({ label, key });

export const HOSTILE_KEYS: readonly KeyAtom[] = [
  k("empty", ""),
  k("space", " "),
  k("256 chars", "k".repeat(256)),
  k("257 chars", "k".repeat(257)),
  k("1,000 chars", "k".repeat(1_000)),
  k("10,000 chars", "k".repeat(10_000)),
  k("128 emoji (256 units)", "😀".repeat(128)),
  k("129 emoji (258 units)", "😀".repeat(129)),
  k('double quote a"b', 'a"b'),
  k("backslash a\\b", "a\\b"),
  k("trailing backslash", "a\\"),
  k("NUL", "a\u0000b"),
  k("LF", "a\nb"),
  k("CR", "\r"),
  k("TAB", "a\tb"),
  k("U+001F", "\u001f"),
  k("DEL U+007F", "a\u007f"),
  k("lone high surrogate", "a\ud800"),
  k("lone low surrogate", "\udc00b"),
  k("reversed surrogate pair", "\udc00\ud800"),
  k("emoji", "😀"),
  k("Cyrillic", "ключ"),
  k("CJK", "鍵"),
  k("combining accent", "e\u0301"),
  k("RTL override", "\u202eabc"),
  k("zero width space", "\u200b"),
  k("BOM", "\ufeff"),
  k("U+2028", "a\u2028b"),
  k("C1 U+0085", "a\u0085"),
  k("U+FFFF", "\uffff"),
  k("__proto__", "__proto__"),
  k("constructor", "constructor"),
  k("prototype", "prototype"),
  k("toString", "toString"),
  k("hasOwnProperty", "hasOwnProperty"),
  k("valueOf", "valueOf"),
  k("_auth_user_id", "_auth_user_id"),
  k("_auth_user_hash", "_auth_user_hash"),
  k("_session_expiry", "_session_expiry"),
  k("_x", "_x"),
  k("_", "_"),
  k("__", "__"),
  k("_session_other", "_session_other"),
  k("_AUTH_USER_ID", "_AUTH_USER_ID"),
  k("user_id", "user_id"),
  k("username", "username"),
  k("num_visits", "num_visits"),
  k("sname", "sname"),
  k("semail", "semail"),
  k("cpu", "cpu"),
  k("gpu", "gpu"),
  k("ram", "ram"),
  k("greeting", "greeting"),
  k("$", "$"),
  k('$."a"', '$."a"'),
  k("a.b", "a.b"),
  k("a[0]", "a[0]"),
  k("*", "*"),
  k("single quote", "'"),
  k("SQL", "a' OR '1'='1"),
  k("%s", "%s"),
  k("${x}", "${x}"),
  k("<script>", "<script>alert(1)</script>"),
  k("0", "0"),
  k("-1", "-1"),
  k("NaN", "NaN"),
  k("1e308", "1e308"),
  k("a b", "a b"),
  k("null", "null"),
  k("[]", "[]"),
  k("{}", "{}"),
];

/** Keys of the pages (a value of any JSON type there must never make a page 500). */
export const PAGE_KEYS = ["sname", "semail", "cpu", "gpu", "ram", "greeting", "num_visits", "user_id", "username"] as const;

// ---------------------------------------------------------------- values

function memo(make: () => string): () => string {
  let text: string | undefined;
  return () => (text ??= make());
}

const v = (label: string, make: string | (() => string)): ValueAtom => ({
  label,
  json: typeof make === "string" ? () => make : memo(make),
});

const nestArrays = (n: number, inner = "1") => "[".repeat(n) + inner + "]".repeat(n);
const nestObjects = (n: number, inner = "1") => '{"a":'.repeat(n) + inner + "}".repeat(n);
const nestMixed = (pairs: number, inner = "1") => '[{"a":'.repeat(pairs) + inner + "}]".repeat(pairs);
const str = (body: string) => `"${body}"`;
const manyKeys = (n: number) => `{${Array.from({ length: n }, (_, i) => `"k${i}":${i}`).join(",")}}`;

export const HOSTILE_VALUES: readonly ValueAtom[] = [
  // nesting (a scalar has depth 0, [] depth 1)
  v("arrays 100 deep", () => nestArrays(100)),
  v("arrays 99 deep around [] (depth 100)", () => nestArrays(99, "[]")),
  v("arrays 100 deep around [] (depth 101)", () => nestArrays(100, "[]")),
  v("arrays 101 deep", () => nestArrays(101)),
  v("arrays 1,001 deep", () => nestArrays(1_001)),
  v("arrays 50,000 deep", () => nestArrays(50_000)),
  v("arrays 90,000 deep (180 KB)", () => nestArrays(90_000)),
  v("arrays 200,000 deep (400 KB)", () => nestArrays(200_000)),
  v("objects 100 deep", () => nestObjects(100)),
  v("objects 101 deep", () => nestObjects(101)),
  v("objects 1,001 deep", () => nestObjects(1_001)),
  v("objects 30,000 deep", () => nestObjects(30_000)),
  v("mixed 100 deep", () => nestMixed(50)),
  v("mixed 102 deep", () => nestMixed(51)),
  v("lone surrogate 99 deep", () => nestArrays(99, '"\\ud800"')),
  // sizes near and over SESSION_MAX_BYTES (65,536)
  v("string 60,000 chars", () => str("x".repeat(60_000))),
  v("string 65,400 chars", () => str("x".repeat(65_400))),
  v("string 65,536 chars", () => str("x".repeat(65_536))),
  v("string 65,537 chars", () => str("x".repeat(65_537))),
  v("string 70,000 chars", () => str("x".repeat(70_000))),
  v("string 150,000 chars", () => str("x".repeat(150_000))),
  v("string 196,000 chars", () => str("x".repeat(196_000))),
  v("string 196,600 chars (body over the cap)", () => str("x".repeat(196_600))),
  v("string 300,000 chars", () => str("x".repeat(300_000))),
  v("é × 33,000 (66 KB UTF-8)", () => str("é".repeat(33_000))),
  v("emoji × 16,400 (65.6 KB UTF-8)", () => str("😀".repeat(16_400))),
  v('\\" × 40,000 (80 KB as JSON)', () => str('\\"'.repeat(40_000))),
  v("\\u0000 × 12,000 (72 KB as JSON)", () => str("\\u0000".repeat(12_000))),
  v("\\u00e9 × 30,000 escapes", () => str("\\u00e9".repeat(30_000))),
  v("escaped emoji pairs × 10,000", () => str("\\ud83d\\ude00".repeat(10_000))),
  v("70,000 chars then a lone surrogate", () => str("x".repeat(70_000) + "\\ud800")),
  v("1,500-key object", () => manyKeys(1_500)),
  v("5,000-key object", () => manyKeys(5_000)),
  v("10,000 nulls", () => `[${Array(10_000).fill("null").join(",")}]`),
  v("5,000 × 1e308", () => `[${Array(5_000).fill("1e308").join(",")}]`),
  // numbers
  v("1e308", "1e308"),
  v("-1e308", "-1e308"),
  v("1.7976931348623157e308", "1.7976931348623157e308"),
  v("1e400 (Infinity)", "1e400"),
  v("-1e400 (-Infinity)", "-1e400"),
  v("-0", "-0"),
  v("-0.0", "-0.0"),
  v("2^53-1", "9007199254740991"),
  v("-(2^53-1)", "-9007199254740991"),
  v("2^53", "9007199254740992"),
  v("2^53+2", "9007199254740994"),
  v("-(2^53)", "-9007199254740992"),
  v("30-digit integer", "123456789012345678901234567890"),
  v("1e-320 (subnormal)", "1e-320"),
  v("5e-324", "5e-324"),
  v("0.1", "0.1"),
  v("1E+2", "1E+2"),
  v("[-0, 1e-320, 2^53-1]", "[-0,1e-320,9007199254740991]"),
  v("[2^53]", "[9007199254740992]"),
  v('{"n": 1e400}', '{"n":1e400}'),
  // NaN-ish and other strings
  v('"NaN"', str("NaN")),
  v('"Infinity"', str("Infinity")),
  v('"-Infinity"', str("-Infinity")),
  v('"-0"', str("-0")),
  v('"1e308"', str("1e308")),
  v('"0x1F"', str("0x1F")),
  v('"undefined"', str("undefined")),
  v("empty string", str("")),
  v("<script>", str("<script>alert(1)</script>")),
  v("\\u0000", str("\\u0000")),
  v("U+2028 U+2029", str("\\u2028\\u2029")),
  v("RTL override", str("\\u202e")),
  v("SQL", str("'); DROP TABLE sessions;--")),
  v("JSON in a string", str('{\\"_auth_user_id\\":123}')),
  v("lone high surrogate", str("\\ud800")),
  v("lone low surrogate", str("a\\udc00")),
  v("two high surrogates", str("\\udbff\\udbff")),
  v("valid surrogate pair", str("\\ud83d\\ude00")),
  // lone surrogates in nested keys
  v('{"\\ud800": 1}', '{"\\ud800":1}'),
  v("lone surrogate key 3 deep", '{"a":{"b":{"\\udfff":[1]}}}'),
  v("lone surrogate key in an array", '[{"ok":1},{"\\udc00x":2}]'),
  // prototypes and look-alikes
  v('{"__proto__": {"_auth_user_id": 123}}', '{"__proto__":{"_auth_user_id":123,"_auth_user_hash":"x"}}'),
  v('{"__proto__": null}', '{"__proto__":null}'),
  v('{"__proto__": []}', '{"__proto__":[]}'),
  v('{"constructor": {"prototype": ...}}', '{"constructor":{"prototype":{"polluted":1}}}'),
  v("nested __proto__ twice", '{"a":{"__proto__":{"__proto__":{"x":1}}}}'),
  v("duplicate member names", '{"a":1,"a":2}'),
  v("reserved-looking nested keys", '{"_auth_user_id":123,"_session_expiry":"x"}'),
  v("empty nested key", '{"":1}'),
  v("quote in a nested key", '{"a\\"b":1,"c\\\\d":2}'),
  // plain
  v("true", "true"),
  v("false", "false"),
  v("null", "null"),
  v("[]", "[]"),
  v("{}", "{}"),
  v("1", "1"),
  v("small object", '{"a":[1,2,{"b":"c"}]}'),
];

// ---------------------------------------------------------------- increments

/** `by` as raw JSON text; `valid` by the contract (a safe integer; absent means 1). */
export const HOSTILE_BYS: readonly { label: string; json: string | undefined; valid: boolean }[] = [
  { label: "absent", json: undefined, valid: true },
  { label: "1", json: "1", valid: true },
  { label: "-1", json: "-1", valid: true },
  { label: "0", json: "0", valid: true },
  { label: "-0", json: "-0", valid: true },
  { label: "1000", json: "1000", valid: true },
  { label: "2^53-1", json: "9007199254740991", valid: true },
  { label: "-(2^53-1)", json: "-9007199254740991", valid: true },
  { label: "1e308", json: "1e308", valid: false },
  { label: "-1e308", json: "-1e308", valid: false },
  { label: "1e400", json: "1e400", valid: false },
  { label: "2^53", json: "9007199254740992", valid: false },
  { label: "2^53+2", json: "9007199254740994", valid: false },
  { label: "-(2^53)", json: "-9007199254740992", valid: false },
  { label: "0.5", json: "0.5", valid: false },
  { label: "1e-320", json: "1e-320", valid: false },
  { label: "1.0000000001", json: "1.0000000001", valid: false },
  { label: '"1"', json: '"1"', valid: false },
  { label: "null", json: "null", valid: false },
  { label: "[]", json: "[]", valid: false },
  { label: "[1]", json: "[1]", valid: false },
  { label: "{}", json: "{}", valid: false },
  { label: "true", json: "true", valid: false },
  { label: '"NaN"', json: '"NaN"', valid: false },
];

/** Non-string `key` members of an increment. */
export const NON_STRING_KEYS: readonly { label: string; json: string | undefined }[] = [
  { label: "absent", json: undefined },
  { label: "1", json: "1" },
  { label: "null", json: "null" },
  { label: "[]", json: "[]" },
  { label: '["n"]', json: '["n"]' },
  { label: "{}", json: "{}" },
  { label: "true", json: "true" },
];

// ---------------------------------------------------------------- redirects

export interface NextAtom {
  label: string;
  /** The query string after `?` (already encoded as it goes on the wire). */
  query(port: number): string;
}

const enc = encodeURIComponent;
const n = (label: string, next: string): NextAtom => ({ label, query: () => `next=${enc(next)}` });
const raw = (label: string, query: string | ((port: number) => string)): NextAtom => ({
  label,
  query: typeof query === "string" ? () => query : query,
});

export const HOSTILE_NEXTS: readonly NextAtom[] = [
  n("//evil.com", "//evil.com"),
  n("/\\evil.com", "/\\evil.com"),
  n("/.//evil.com/x", "/.//evil.com/x"),
  n("/..//evil.com", "/..//evil.com"),
  n("/./evil", "/./evil"),
  n("///evil.com", "///evil.com"),
  n("/\\/evil.com", "/\\/evil.com"),
  n("\\\\evil.com", "\\\\evil.com"),
  n("https://evil.com", "https://evil.com"),
  n("http:/evil.com", "http:/evil.com"),
  n("https:evil.com", "https:evil.com"),
  n("javascript:alert(1)", "javascript:alert(1)"),
  n("data: URL", "data:text/html,<script>alert(1)</script>"),
  n("/%2F%2Fevil.com (encoded twice)", "/%2F%2Fevil.com"),
  n("/%5Cevil.com", "/%5Cevil.com"),
  n("tab then //evil.com", "/\t/evil.com"),
  n("leading space //evil.com", " //evil.com"),
  n("/ /evil.com", "/ /evil.com"),
  n("CR LF header injection", "/x\r\nSet-Cookie: injected=1"),
  n("CR LF Location", "/\r\nLocation: https://evil.com"),
  n("NUL", "/\u0000evil"),
  n("%00 in the path", "/%00"),
  n("/café", "/café"),
  n("/日本語", "/日本語"),
  n("/😀", "/😀"),
  n("U+2028", "/\u2028x"),
  n("RTL override", "/\u202eevil.com"),
  n("empty", ""),
  n("/", "/"),
  n("/account", "/account"),
  n("/library?x=1#y", "/library?x=1#y"),
  n("relative library", "library"),
  n("10 KB path", `/${"a".repeat(10_240)}`),
  n("2 KB non-Latin-1", `/${"日".repeat(700)}`),
  raw("same-origin absolute", (port) => `next=${enc(`http://localhost:${port}/account`)}`),
  raw("same host, other port", (port) => `next=${enc(`http://localhost:${port + 1}/`)}`),
  raw("//localhost:port/x", (port) => `next=${enc(`//localhost:${port}/x`)}`),
  raw("raw //evil.com", "next=//evil.com"),
  raw("raw /\\evil.com", "next=/\\evil.com"),
  raw("raw %0d%0a", "next=/%0d%0aSet-Cookie:%20x=1"),
  raw("raw %E9 (Latin-1 byte)", "next=/caf%E9"),
  raw("raw broken escape %ZZ", "next=/a%ZZ%"),
  raw("raw lone surrogate %ED%A0%80", "next=/%ED%A0%80"),
  raw("two next params", "next=/account&next=//evil.com"),
  raw("next[] array", "next[]=//evil.com"),
  raw("next without value", "next"),
  raw("10 KB of %2F", `next=${"%2F".repeat(3_400)}`),
];

// ---------------------------------------------------------------- form fields

/** Playground "expiry" inputs. */
export const HOSTILE_EXPIRIES: readonly string[] = [
  "",
  "0",
  "60",
  "3600",
  "315360000",
  "315360001",
  "-1",
  "1e11",
  "99999999999",
  "9".repeat(400),
  " 5 ",
  "5.5",
  "0x10",
  "١٢",
  "１２",
  "NaN",
  "Infinity",
  "\u0000",
  "60\n",
  "x".repeat(10_000),
];

/** Non-JSON playground values (stored as strings). */
export const NON_JSON_VALUES: readonly { label: string; text: string }[] = [
  { label: "undefined", text: "undefined" },
  { label: "NaN", text: "NaN" },
  { label: "Infinity", text: "Infinity" },
  { label: "{ unclosed", text: "{" },
  { label: "'single'", text: "'single'" },
  { label: "[1,]", text: "[1,]" },
  { label: "trailing garbage", text: '{"a":1} x' },
  { label: "10 KB text", text: "t".repeat(10_240) },
  { label: "300,000 chars", text: "t".repeat(300_000) },
  { label: "NUL", text: "a\u0000b" },
  { label: "lone surrogate (sent as U+FFFD)", text: "a\ud800" },
];

/** PC builder part values: the real options and hostile look-alikes. */
export const HOSTILE_PARTS: readonly { label: string; text: string }[] = [
  { label: "valid cpu", text: "AMD Ryzen 5" },
  { label: "valid gpu", text: "NVIDIA RTX 4070" },
  { label: "valid ram", text: "32 GB" },
  { label: "trailing space", text: "AMD Ryzen 5 " },
  { label: "lower case", text: "amd ryzen 5" },
  { label: "NUL suffix", text: "AMD Ryzen 5\u0000" },
  { label: "10 KB", text: "C".repeat(10_240) },
  { label: "JSON object text", text: '{"a":1}' },
  { label: "__proto__", text: "__proto__" },
  { label: "constructor", text: "constructor" },
  { label: "<script>", text: "<script>alert(1)</script>" },
  { label: "empty", text: "" },
  { label: "lone surrogate (sent as U+FFFD)", text: "\ud800" },
  { label: "RTL", text: "\u202eAMD" },
];

/** Client addresses as X-Forwarded-For (the per-client sign-in limit reads it); undefined: no header. */
export const HOSTILE_FORWARDED: readonly { label: string; value: string | undefined }[] = [
  { label: "no X-Forwarded-For", value: undefined },
  { label: "XFF 127.0.0.1", value: "127.0.0.1" },
  { label: "XFF ::1", value: "::1" },
  { label: "XFF [::1]:80", value: "[::1]:80" },
  { label: "XFF fe80::1%eth0", value: "fe80::1%eth0" },
  { label: "XFF unknown", value: "unknown" },
  { label: "XFF garbage, 1.2.3.4", value: "garbage, 1.2.3.4" },
  { label: "XFF trailing comma", value: "1.2.3.4," },
  { label: "XFF empty", value: "" },
  { label: "XFF 1,000 entries", value: Array.from({ length: 1_000 }, (_, i) => `10.0.${i >> 8}.${i & 255}`).join(", ") },
  { label: "XFF latin-1 bytes", value: "\u00ff\u00fe.1.1.1" },
];

/** Login usernames: never with the real password. */
export const HOSTILE_USERNAMES: readonly { label: string; text: string }[] = [
  { label: "john_doe", text: "john_doe" },
  { label: "JOHN_DOE", text: "JOHN_DOE" },
  { label: " john_doe", text: " john_doe" },
  { label: "john_doe NUL", text: "john_doe\u0000" },
  { label: "SQL", text: "john_doe' --" },
  { label: "empty", text: "" },
  { label: "10 KB", text: "u".repeat(10_240) },
  { label: "4,096 chars", text: "u".repeat(4_096) },
  { label: "Cyrillic", text: "джон" },
  { label: "lone surrogate (sent as U+FFFD)", text: "john\ud800" },
  { label: "__proto__", text: "__proto__" },
];

export const REAL_USERNAME = "john_doe";
export const REAL_PASSWORD = "django-sessions";

/**
 * Near misses of the real password: no sane check accepts them (Django refuses NUL
 * in form fields and never strips passwords). Tried first on the real account,
 * before its failures are throttled. (No NFKC look-alikes: normalising passwords
 * with NFKC is allowed, NIST SP 800-63B.)
 */
export const NEAR_MISS_PASSWORDS: readonly { label: string; text: string }[] = [
  { label: "real + NUL", text: `${REAL_PASSWORD}\u0000` },
  { label: "real + 2 NULs", text: `${REAL_PASSWORD}\u0000\u0000` },
  { label: "real + space", text: `${REAL_PASSWORD} ` },
  { label: "real + LF", text: `${REAL_PASSWORD}\n` },
  { label: "real, capitalised", text: "Django-sessions" },
  { label: "real, truncated", text: REAL_PASSWORD.slice(0, -1) },
];

/** Passwords: the near misses and junk. */
export const HOSTILE_PASSWORDS: readonly { label: string; text: string }[] = [
  ...NEAR_MISS_PASSWORDS,
  { label: "wrong", text: "wrong-password" },
  { label: "empty", text: "" },
  { label: "10 KB", text: "p".repeat(10_240) },
  { label: "4,097 chars", text: "p".repeat(4_097) },
  { label: "lone surrogate (sent as U+FFFD)", text: "\ud800" },
];
