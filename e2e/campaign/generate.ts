// The campaign's inputs: a deterministic list (for a seed) spread over every entry point,
// each with a short description and, where the contract fixes the answer, a check.
import {
  BODY_CAP,
  HOSTILE_BYS,
  HOSTILE_EXPIRIES,
  HOSTILE_FORWARDED,
  HOSTILE_KEYS,
  HOSTILE_NEXTS,
  HOSTILE_PARTS,
  HOSTILE_PASSWORDS,
  HOSTILE_USERNAMES,
  HOSTILE_VALUES,
  NEAR_MISS_PASSWORDS,
  NON_JSON_VALUES,
  NON_STRING_KEYS,
  PAGE_KEYS,
  REAL_PASSWORD,
  REAL_USERNAME,
  SURELY_FITS,
  judgeJson,
  keyProblem,
  type KeyAtom,
  type ValueAtom,
} from "./atoms";
import { COOKIE_NAME } from "../env";
import { JUNK_KINDS, junkCookie, tamper } from "./cookies";
import { multipart, pageText, setCookieValue, type Part, type Req, type Res } from "./http";
import { Rng } from "./prng";

/** What the inputs need at the time they are sent. */
export interface Ctx {
  base: string;
  port: number;
  /** Cookie headers (`${COOKIE_NAME}=…`) of the attacker's own live sessions. */
  pool: string[];
  /** The browsing client's current seal (tampered copies of it must never count a visit). */
  browserSeal(): string;
  /** A seal made with another secret. */
  foreignSeal: string;
  /**
   * A new seal of a well-formed key that has no row yet, each call (one in use
   * is a new visitor's session: it counts visits from its second use on).
   */
  unknownKeySeal(): string;
  forms: { playground: [string, string][]; login: [string, string][]; saveBuild: [string, string][] };
}

export type Check = (res: Res, ctx: Ctx) => string | null;

export interface Input {
  entry: Entry;
  what: string;
  request(ctx: Ctx): Req & { note?: string };
  /** A contract answer this input must get (besides no 5xx), or why not. */
  check?: Check;
}

export const ENTRIES = {
  "PATCH /api/session": 1_800,
  "DELETE /api/session": 50,
  "POST /api/session/increment": 700,
  "playground action": 700,
  "Save build action": 250,
  "login action": 100,
  "GET /login?next=": 200,
  "GET /session/renew?next=": 250,
  "cookies on pages": 950,
} as const;

export type Entry = keyof typeof ENTRIES;

/** Pool sessions: 0-9 take anything, 10 is nearly full (size limit), 11-15 may get their expiry changed or be deleted. */
export const POOL_SIZE = 16;
export const GENERAL_SLOTS = 10;
export const SIZE_SLOT = 10;
const EXPENDABLE = [11, 12, 13, 14, 15];

// ---------------------------------------------------------------- who sends it

interface Who {
  label: string;
  /** No live session: the server must treat it as a new visitor. */
  fresh: boolean;
  /** A live pool session (its cookie must survive /session/renew). */
  live: boolean;
  cookie(ctx: Ctx): { header?: string; note?: string };
}

const NOBODY: Who = { label: "no cookie", fresh: true, live: false, cookie: () => ({}) };

function poolWho(slot: number): Who {
  return { label: `pool#${slot}`, fresh: false, live: true, cookie: (ctx) => ({ header: ctx.pool[slot] }) };
}

let sweep = 0;
function tamperedWho(rng: Rng, fromBrowser: boolean): Who {
  const slot = rng.int(GENERAL_SLOTS);
  const kind = rng.int(8);
  const at = sweep++;
  const whose = fromBrowser ? "browser's" : `pool#${slot}'s`;
  return {
    label: `tampered ${whose} seal`,
    fresh: true,
    live: false,
    cookie: (ctx) => {
      const seal = fromBrowser ? ctx.browserSeal() : ctx.pool[slot].slice(`${COOKIE_NAME}=`.length);
      const t = tamper(seal, kind, at);
      return { header: `${COOKIE_NAME}=${t.value}`, note: t.label };
    },
  };
}

function who(rng: Rng, shares: { pool: number; tampered?: number; slots?: readonly number[] }): Who {
  const roll = rng.next();
  if (roll < shares.pool) return poolWho(shares.slots ? rng.pick(shares.slots) : rng.int(GENERAL_SLOTS));
  if (roll < shares.pool + (shares.tampered ?? 0)) return tamperedWho(rng, rng.chance(0.5));
  return NOBODY;
}

// ---------------------------------------------------------------- same-origin headers

interface OriginVariant {
  label: string;
  headers(ctx: Ctx): Record<string, string | string[]>;
  /** true: same-origin by the contract; false: must get 403; null: the contract does not say. */
  allowed: boolean | null;
}

const SAME_ORIGIN: OriginVariant = { label: "same Origin", headers: (ctx) => ({ origin: ctx.base }), allowed: true };
const VALID_ORIGINS: OriginVariant[] = [
  SAME_ORIGIN,
  { label: "Sec-Fetch-Site same-origin", headers: () => ({ "sec-fetch-site": "same-origin" }), allowed: true },
  { label: "same Origin + Sec-Fetch-Site same-origin", headers: (ctx) => ({ origin: ctx.base, "sec-fetch-site": "same-origin" }), allowed: true },
];
const ORIGIN_VARIANTS: OriginVariant[] = [
  ...VALID_ORIGINS,
  { label: "no Origin, no Sec-Fetch-Site", headers: () => ({}), allowed: false },
  { label: "Origin: other port", headers: (ctx) => ({ origin: `http://localhost:${ctx.port + 1}` }), allowed: false },
  { label: "Origin: 127.0.0.1:port", headers: (ctx) => ({ origin: `http://127.0.0.1:${ctx.port}` }), allowed: false },
  { label: "Origin: null", headers: () => ({ origin: "null" }), allowed: false },
  { label: "Origin: https://evil.com", headers: () => ({ origin: "https://evil.com" }), allowed: false },
  { label: "Origin: https://localhost:port", headers: (ctx) => ({ origin: `https://localhost:${ctx.port}` }), allowed: false },
  { label: "Origin: http://localhost:port.evil.com", headers: (ctx) => ({ origin: `http://localhost:${ctx.port}.evil.com` }), allowed: false },
  { label: "Origin: http://localhost (no port)", headers: () => ({ origin: "http://localhost" }), allowed: false },
  { label: "Sec-Fetch-Site cross-site + same Origin", headers: (ctx) => ({ origin: ctx.base, "sec-fetch-site": "cross-site" }), allowed: false },
  { label: "Sec-Fetch-Site same-site + same Origin", headers: (ctx) => ({ origin: ctx.base, "sec-fetch-site": "same-site" }), allowed: false },
  { label: "Sec-Fetch-Site cross-site, no Origin", headers: () => ({ "sec-fetch-site": "cross-site" }), allowed: false },
  { label: "Sec-Fetch-Site same-origin + Origin evil", headers: () => ({ origin: "https://evil.com", "sec-fetch-site": "same-origin" }), allowed: null },
  { label: "Sec-Fetch-Site none", headers: () => ({ "sec-fetch-site": "none" }), allowed: null },
  { label: "Origin: upper-case host", headers: (ctx) => ({ origin: `http://LOCALHOST:${ctx.port}` }), allowed: null },
  { label: "Origin with trailing slash", headers: (ctx) => ({ origin: `${ctx.base}/` }), allowed: null },
  { label: "two Origin headers (same, evil)", headers: (ctx) => ({ origin: [ctx.base, "https://evil.com"] }), allowed: null },
  // A proxy's header a browser cannot send cross-site without a preflight: exercised, not judged.
  { label: "Origin evil + X-Forwarded-Host evil", headers: () => ({ origin: "https://evil.com", "x-forwarded-host": "evil.com" }), allowed: null },
];

interface ContentType {
  label: string;
  value: string | undefined;
  /** true: JSON by the contract; false: must get 415; null: not said. */
  ok: boolean | null;
}

const JSON_TYPE: ContentType = { label: "application/json", value: "application/json", ok: true };
const CONTENT_TYPES: ContentType[] = [
  JSON_TYPE,
  { label: "application/json; charset=utf-8", value: "application/json; charset=utf-8", ok: true },
  { label: "application/json;charset=UTF-8", value: "application/json;charset=UTF-8", ok: true },
  { label: "text/plain", value: "text/plain", ok: false },
  { label: "text/plain;charset=UTF-8", value: "text/plain;charset=UTF-8", ok: false },
  { label: "form-urlencoded", value: "application/x-www-form-urlencoded", ok: false },
  { label: "multipart", value: "multipart/form-data; boundary=x", ok: false },
  { label: "no Content-Type", value: undefined, ok: false },
  { label: "empty Content-Type", value: "", ok: false },
  { label: "text/json", value: "text/json", ok: false },
  { label: "application/json-patch+json", value: "application/json-patch+json", ok: false },
  { label: "application/jsonx", value: "application/jsonx", ok: false },
  { label: "APPLICATION/JSON", value: "APPLICATION/JSON", ok: null },
  { label: "application/json, text/plain", value: "application/json, text/plain", ok: null },
  { label: "application/json; charset=utf-16", value: "application/json; charset=utf-16", ok: null },
];

// ---------------------------------------------------------------- checks

const oneOf =
  (...codes: number[]): Check =>
  (res) =>
    codes.includes(res.status) ? null : `expected ${codes.join(" or ")}, got ${res.status}`;

const FORBIDDEN: Check = (res) => {
  if (res.status !== 403) return `expected 403 (not same-origin), got ${res.status}`;
  const set = setCookieValue(res, COOKIE_NAME);
  if (set !== undefined) return `403 but with Set-Cookie ${COOKIE_NAME} (${set === "" ? "deleting it" : "a new value"})`;
  return null;
};

/**
 * The answer the contract fixes for a route handler request: 403 (origin), then
 * 415 (type), 413 (body over the cap), else what the body deserves.
 */
function routeCheck(origin: OriginVariant, type: ContentType, bodyBytes: number, deserved: number[] | null): Check | undefined {
  if (origin.allowed === false) return FORBIDDEN;
  if (origin.allowed === null) return undefined;
  if (type.ok === false) return oneOf(415);
  if (type.ok === null) return undefined;
  if (bodyBytes > BODY_CAP) return oneOf(413);
  return deserved ? oneOf(...deserved) : undefined;
}

// ---------------------------------------------------------------- JSON bodies

const q = (key: string) => JSON.stringify(key);
const shortLabel = (label: string) => (label.length > 60 ? `${label.slice(0, 57)}…` : label);

interface Entry2 {
  key: KeyAtom;
  value: ValueAtom;
}

/** What the set/delete members deserve: 400 if anything is refused, else 200 (or 413 when it may not fit). */
function deserved(entries: Entry2[], deletes: KeyAtom[], whoIs: Who): number[] {
  let problem = false;
  let bytes = 2;
  for (const { key, value } of entries) {
    const verdict = judgeJson(value.json());
    if (keyProblem(key.key) || verdict.problem) problem = true;
    bytes += Buffer.byteLength(JSON.stringify(key.key)) + 1 + (verdict.problem ? value.json().length : verdict.bytes) + 1;
  }
  for (const key of deletes) if (keyProblem(key.key)) problem = true;
  const fits = bytes < SURELY_FITS;
  if (problem) return fits ? [400] : [400, 413];
  return whoIs.fresh && fits ? [200] : [200, 413];
}

function setJson(entries: Entry2[]): string {
  return `{${entries.map(({ key, value }) => `${q(key.key)}:${value.json()}`).join(",")}}`;
}

// ---------------------------------------------------------------- the generator

export function generate(rng: Rng, scale: number): Input[] {
  sweep = rng.int(1_000);
  const keys = rng.deck(HOSTILE_KEYS);
  const values = rng.deck(HOSTILE_VALUES);
  const pageKeys = rng.deck(PAGE_KEYS);
  const origins = rng.deck(ORIGIN_VARIANTS);
  const types = rng.deck(CONTENT_TYPES);
  const bys = rng.deck(HOSTILE_BYS);
  const nexts = rng.deck(HOSTILE_NEXTS);
  const expiries = rng.deck(HOSTILE_EXPIRIES);
  const parts = rng.deck(HOSTILE_PARTS);
  const usernames = rng.deck(HOSTILE_USERNAMES);
  const passwords = rng.deck(HOSTILE_PASSWORDS);
  const nonJson = rng.deck(NON_JSON_VALUES);
  let serial = 0;

  /** Mostly the plain same-origin JSON request; now and then another valid form of it. */
  function validOrigin(): OriginVariant {
    return rng.chance(0.85) ? SAME_ORIGIN : rng.pick(VALID_ORIGINS);
  }
  function validType(): ContentType {
    return rng.chance(0.85) ? JSON_TYPE : rng.pick(CONTENT_TYPES.filter((t) => t.ok === true));
  }

  function routeRequest(method: string, path: string, whoIs: Who, origin: OriginVariant, type: ContentType, body: () => Buffer, chunked = false) {
    return (ctx: Ctx): Req & { note?: string } => {
      const { header, note } = whoIs.cookie(ctx);
      const headers: Record<string, string | string[]> = { ...origin.headers(ctx) };
      if (type.value !== undefined) headers["content-type"] = type.value;
      if (header) headers.cookie = header;
      return { method, path, headers, body: body(), chunked, note };
    };
  }

  function describeRoute(body: string, whoIs: Who, origin: OriginVariant, type: ContentType, extra = "") {
    return `${body} [${whoIs.label}, ${origin.label}, ${type.label}${extra}]`;
  }

  // ------------------------------------------------------------ PATCH /api/session

  function patch(): Input {
    const shape = rng.weighted({
      hostileKey: 20,
      hostileValue: 28,
      both: 5,
      pageKey: 7,
      manyKeys: 4,
      delete: 9,
      notObject: 3,
      smuggle: 4,
      malformed: 8,
      contentType: 5,
      origin: 5,
      control: 2,
    });
    let origin = validOrigin();
    let type = validType();
    let whoIs: Who = who(rng, { pool: 0.55, tampered: 0.05 });
    let text: () => string;
    let label: string;
    let expected: number[] | null;
    let chunked = false;
    let raw: (() => Buffer) | undefined;

    const simple = (entries: Entry2[], deletes: KeyAtom[] = []) => {
      // Built when sent, not held: some bodies are hundreds of KB.
      text = () => {
        const members = [entries.length ? `"set":${setJson(entries)}` : "", deletes.length ? `"delete":[${deletes.map((d) => q(d.key)).join(",")}]` : ""];
        return `{${members.filter(Boolean).join(",")}}`;
      };
      expected = deserved(entries, deletes, whoIs);
    };
    const plainValue: ValueAtom = { label: "1", json: () => "1" };

    switch (shape) {
      case "hostileKey": {
        const key = keys();
        simple([{ key, value: plainValue }]);
        label = `set {key ${key.label}: 1}`;
        break;
      }
      case "hostileValue": {
        const key = { label: "", key: rng.pick(["v", "v2", "val", "blob"]) };
        const value = values();
        simple([{ key, value }]);
        label = `set {${key.key}: ${value.label}}`;
        break;
      }
      case "both": {
        const key = keys();
        const value = values();
        simple([{ key, value }]);
        label = `set {key ${key.label}: ${value.label}}`;
        break;
      }
      case "pageKey": {
        whoIs = rng.chance(0.8) ? poolWho(rng.int(GENERAL_SLOTS)) : NOBODY;
        const key = pageKeys();
        const value = values();
        simple([{ key: { label: key, key }, value }]);
        label = `set {${key}: ${value.label}} (a page's key)`;
        break;
      }
      case "manyKeys": {
        whoIs = rng.chance(0.8) ? NOBODY : whoIs;
        const variants: [string, number, KeyAtom | null][] = [
          ["1,151 keys", 1_151, null],
          ["1,500 keys", 1_500, null],
          ["5,000 keys", 5_000, null],
          ["8,000 keys (over the size limit)", 8_000, null],
          ["20,000 keys (body over the cap)", 20_000, null],
          ["1,500 keys, one _auth_user_id", 1_500, { label: "", key: "_auth_user_id" }],
          ["1,500 keys, one lone surrogate", 1_500, { label: "", key: "x\ud800" }],
          ["1,500 keys, one __proto__", 1_500, { label: "", key: "__proto__" }],
        ];
        const [what, count, odd] = rng.pick(variants);
        const zero: ValueAtom = { label: "0", json: () => "0" };
        const entries: Entry2[] = Array.from({ length: count }, (_, i) => ({ key: { label: "", key: `m${i}` }, value: zero }));
        if (odd) entries.splice(rng.int(count), 0, { key: odd, value: zero });
        simple(entries);
        label = `set ${what}`;
        break;
      }
      case "delete": {
        const variants: [string, () => string, number[] | null][] = [];
        const key = keys();
        variants.push([`delete [key ${key.label}]`, () => `{"delete":[${q(key.key)}]}`, keyProblem(key.key) ? [400] : [200]]);
        variants.push(["delete [1, null, {}, []]", () => '{"delete":[1,null,{},[]]}', [400]]);
        variants.push(["delete 1,500 absent keys", () => `{"delete":[${Array.from({ length: 1_500 }, (_, i) => `"gone${i}"`).join(",")}]}`, [200]]);
        variants.push(["delete [v, _auth_user_id]", () => '{"delete":["v","_auth_user_id"]}', [400]]);
        variants.push(["delete [_session_expiry]", () => '{"delete":["_session_expiry"]}', [400]]);
        variants.push(["delete [__proto__]", () => '{"delete":["__proto__"]}', [400]]);
        variants.push(["set a, delete a", () => '{"set":{"a":1},"delete":["a"]}', whoIs.fresh ? [200] : [200, 413]]);
        variants.push(['delete "_auth_user_id" (not an array)', () => '{"delete":"_auth_user_id"}', [400]]);
        variants.push(["delete array-like object", () => '{"delete":{"0":"x","length":1}}', [400]]);
        variants.push(['delete [["a"]]', () => '{"delete":[["a"]]}', [400]]);
        variants.push(["delete []", () => '{"delete":[]}', [200]]);
        const [what, body, codes] = rng.pick(variants);
        text = body;
        expected = codes;
        label = what;
        break;
      }
      case "notObject": {
        const variants: [string, number[] | null][] = [
          ['{"set":[]}', [400]],
          ['{"set":"s"}', [400]],
          ['{"set":1}', [400]],
          ['{"set":true}', [400]],
          ['{"set":[["a",1]]}', [400]],
          ['{"set":null}', null],
          ['{"delete":null}', null],
          ["{}", [200]],
        ];
        const [body, codes] = rng.pick(variants);
        text = () => body;
        expected = codes;
        label = body;
        break;
      }
      case "smuggle": {
        const variants: [string, number[] | null][] = [
          ['{"set":{"__proto__":{"_auth_user_id":123,"_auth_user_hash":"x"}}}', [400]],
          ['{"__proto__":{"set":{"_auth_user_id":123}}}', [200, 400]],
          ['{"set":{"a":1},"set":{"_auth_user_id":123}}', [400]],
          ['{"set":{"constructor":{"prototype":{"_auth_user_id":1}}}}', whoIs.fresh ? [200] : [200, 413]],
          ['{"set":{"user_id":123,"username":"john_doe"}}', whoIs.fresh ? [200] : [200, 413]],
          ['{"set":{"toString":1,"hasOwnProperty":2,"valueOf":3}}', whoIs.fresh ? [200] : [200, 413]],
          ['{"set":{"__proto__":null}}', [400]],
          ['{"set":{"user_id":"123","_auth_user_id":"123"}}', [400]],
          ['{"set":{"\\u005fauth_user_id":1}}', [400]],
          ['{"set":{"_auth_user_id\\u0000":1}}', [400]],
          ['{"set":{"\\ufeff_auth_user_id":1}}', whoIs.fresh ? [200] : [200, 413]],
          ['{"set":{"_auth_user_id":123,"_auth_user_hash":"0123456789abcdef0123456789abcdef"}}', [400]],
          ['{"set":{"_session_expiry":"x"}}', [400]],
          ['{"set":{"_session_expiry":1e11}}', [400]],
        ];
        const [body, codes] = rng.pick(variants);
        text = () => body;
        expected = codes;
        label = body;
        break;
      }
      case "malformed": {
        const big = (n: number) => `{"set":{"pad":"${"p".repeat(n)}"}}`;
        const variants: [string, () => string | Buffer, number[] | null, boolean?][] = [
          ["empty body", () => "", [400]],
          ["{", () => "{", [400]],
          ['{"set":', () => '{"set":', [400]],
          ["truncated object", () => '{"set":{"a":1}', [400]],
          ["trailing comma", () => '{"set":{"a":1,}}', [400]],
          ["single quotes", () => "{'set':{}}", [400]],
          ["bare member names", () => "{set:{}}", [400]],
          ["NaN literal", () => '{"set":{"a":NaN}}', [400]],
          ["Infinity literal", () => '{"set":{"a":Infinity}}', [400]],
          ["undefined literal", () => '{"set":{"a":undefined}}', [400]],
          ["leading zero 01", () => '{"set":{"a":01}}', [400]],
          ["raw control char in a string", () => '{"set":{"a":"\u0001"}}', [400]],
          ["two objects", () => '{"set":{}} {"set":{}}', [400]],
          ["null", () => "null", [400]],
          ["[]", () => "[]", [400]],
          ['[{"set":{}}]', () => '[{"set":{}}]', [400]],
          ['"set"', () => '"set"', [400]],
          ["123", () => "123", [400]],
          ["true", () => "true", [400]],
          ["100,000 [ unclosed", () => "[".repeat(100_000), [400]],
          ["100,000-deep body", () => "[".repeat(95_000) + "]".repeat(95_000), [400]],
          ["invalid UTF-8 in a key", () => Buffer.concat([Buffer.from('{"set":{"a'), Buffer.from([0xff, 0xfe]), Buffer.from('":1}}')]), null],
          ["CESU-8 surrogate bytes in a value", () => Buffer.concat([Buffer.from('{"set":{"a":"'), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('"}}')]), null],
          ["UTF-16LE body", () => Buffer.from('{"set":{"a":1}}', "utf16le"), [400]],
          ["BOM + valid body", () => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"set":{"a":1}}')]), null],
          ["300 KB of whitespace", () => `${" ".repeat(300_000)}{}`, [413]],
          ["300 KB valid JSON", () => big(300_000), [413]],
          ["body of the cap + 1 bytes", () => big(BODY_CAP + 1 - 18), [413]],
          ["body of exactly the cap (payload too large)", () => big(BODY_CAP - 18), [413]],
          ["300 KB chunked (no Content-Length)", () => big(300_000), [413], true],
          ["1 MB chunked", () => big(1_000_000), [413], true],
          ["small body chunked", () => '{"set":{"chunked":1}}', whoIs.fresh ? [200] : [200, 413], true],
        ];
        const [what, body, codes, isChunked] = rng.pick(variants);
        raw = () => {
          const b = body();
          return typeof b === "string" ? Buffer.from(b) : b;
        };
        text = () => "";
        expected = codes;
        chunked = isChunked ?? false;
        label = `body: ${what}`;
        break;
      }
      case "contentType": {
        type = types();
        text = () => '{"set":{"ct":1}}';
        expected = whoIs.fresh ? [200] : [200, 413];
        label = '{"set":{"ct":1}}';
        break;
      }
      case "origin": {
        origin = origins();
        type = rng.chance(0.7) ? JSON_TYPE : types();
        whoIs = rng.chance(0.5) ? poolWho(rng.int(GENERAL_SLOTS)) : NOBODY;
        const variants: [string, number[]][] = [
          ['{"set":{"user_id":123,"username":"john_doe"}}', [200, 413]],
          ['{"set":{"_session_expiry":"x"}}', [400]],
          ['{"set":{"cart":"x"}}', [200, 413]],
          ['{"delete":["cart"]}', [200]],
        ];
        const [body, codes] = rng.pick(variants);
        text = () => body;
        expected = whoIs.fresh ? codes.filter((c) => c !== 413) : codes;
        label = body;
        break;
      }
      default: {
        whoIs = NOBODY;
        const id = serial++;
        text = () => `{"set":{"control_${id}":${id}}}`;
        expected = [200];
        label = `control: set {control_${id}: ${id}}`;
        break;
      }
    }
    const body = raw ?? (() => Buffer.from(text()));
    // Body size decides 413 before anything else is read: measure it once, when the check runs.
    let bytes = -1;
    const sized = () => {
      const b = body();
      bytes = b.length;
      return b;
    };
    const request = routeRequest("PATCH", "/api/session", whoIs, origin, type, sized, chunked);
    return {
      entry: "PATCH /api/session",
      what: describeRoute(shortLabel(label), whoIs, origin, type, chunked ? ", chunked" : ""),
      request,
      check: (res, ctx) => routeCheck(origin, type, bytes, expected)?.(res, ctx) ?? null,
    };
  }

  // ------------------------------------------------------------ DELETE /api/session

  function del(): Input {
    const origin = rng.chance(0.3) ? validOrigin() : origins();
    const whoIs = origin.allowed === true ? (rng.chance(0.5) ? NOBODY : tamperedWho(rng, false)) : rng.chance(0.5) ? poolWho(rng.pick(EXPENDABLE)) : NOBODY;
    const type: ContentType = { label: "no body", value: undefined, ok: true };
    return {
      entry: "DELETE /api/session",
      what: describeRoute("DELETE", whoIs, origin, type),
      request: routeRequest("DELETE", "/api/session", whoIs, origin, type, () => Buffer.alloc(0)),
      check: origin.allowed === false ? FORBIDDEN : origin.allowed === true ? oneOf(200, 204) : undefined,
    };
  }

  // ------------------------------------------------------------ POST /api/session/increment

  function increment(): Input {
    const shape = rng.weighted({ hostileKey: 25, nonStringKey: 5, hostileBy: 25, storedType: 12, longKey: 15, bodies: 8, vector: 10 });
    let origin = validOrigin();
    let type = validType();
    let whoIs = who(rng, { pool: 0.5, tampered: 0.05 });
    let text: () => string;
    let label: string;
    let expected: number[] | null;
    let chunked = false;
    const member = (name: string, json: string | undefined) => (json === undefined ? "" : `"${name}":${json}`);
    const body = (keyJson: string | undefined, byJson: string | undefined) => `{${[member("key", keyJson), member("by", byJson)].filter(Boolean).join(",")}}`;

    switch (shape) {
      case "hostileKey": {
        const key = keys();
        text = () => body(q(key.key), "1");
        expected = keyProblem(key.key) ? [400] : whoIs.fresh ? [200] : [200, 400, 413];
        label = `key ${key.label}, by 1`;
        break;
      }
      case "nonStringKey": {
        const key = rng.pick(NON_STRING_KEYS);
        text = () => body(key.json, "1");
        expected = [400];
        label = `key ${key.label}, by 1`;
        break;
      }
      case "hostileBy": {
        const by = bys();
        const key = rng.pick(["n", "count", `fresh_${serial++}`]);
        text = () => body(q(key), by.json);
        expected = !by.valid ? [400] : whoIs.fresh ? [200] : [200, 400, 413];
        label = `key ${key}, by ${by.label}`;
        break;
      }
      case "storedType": {
        whoIs = poolWho(rng.int(GENERAL_SLOTS));
        const key = rng.pick(["str", "float", "big", "neg", "obj", "arr", "nul", "bool", "count", "v", "num_visits", "cpu"]);
        const by = bys();
        text = () => body(q(key), by.json);
        expected = !by.valid ? [400] : [200, 400, 413];
        label = `key ${key} (pre-set), by ${by.label}`;
        break;
      }
      case "longKey": {
        whoIs = poolWho(SIZE_SLOT);
        const key = `L${String(serial++).padStart(6, "0")}${"L".repeat(249)}`;
        text = () => body(q(key), "1");
        expected = [200, 413];
        label = "a new 256-char key on the nearly full session";
        break;
      }
      case "bodies": {
        const variants: [string, string | (() => string), number[] | null, boolean?][] = [
          ["duplicate key member (last reserved)", '{"key":"n","by":1,"key":"_auth_user_id"}', [400]],
          ["_session_expiry by 1e11", '{"key":"_session_expiry","by":100000000000}', [400]],
          ["_auth_user_id by 1", '{"key":"_auth_user_id","by":1}', [400]],
          ["__proto__ member", '{"__proto__":{"key":"n"}}', [400]],
          ["extra __proto__ member", '{"key":"n","by":1,"__proto__":{"by":1e308}}', whoIs.fresh ? [200] : [200, 400, 413]],
          ["null", "null", [400]],
          ["[]", "[]", [400]],
          ['["n"]', '["n"]', [400]],
          ["invalid JSON", '{"key":"n",', [400]],
          ["300 KB", () => `{"key":"n","pad":"${"p".repeat(300_000)}"}`, [413]],
          ["300 KB chunked", () => `{"key":"n","pad":"${"p".repeat(300_000)}"}`, [413], true],
        ];
        const [what, b, codes, isChunked] = rng.pick(variants);
        text = typeof b === "string" ? () => b : b;
        expected = codes;
        chunked = isChunked ?? false;
        label = what;
        break;
      }
      default: {
        // The issue's vector: text/plain (no CORS preflight) and by 1e308, from here and from elsewhere.
        origin = rng.chance(0.5) ? origins() : SAME_ORIGIN;
        type = rng.chance(0.6) ? rng.pick(CONTENT_TYPES.filter((t) => t.ok === false)) : types();
        const by = bys();
        text = () => body('"n"', by.json);
        expected = !by.valid ? [400] : whoIs.fresh ? [200] : [200, 400, 413];
        label = `key n, by ${by.label}`;
        break;
      }
    }
    let bytes = -1;
    const sized = () => {
      const b = Buffer.from(text());
      bytes = b.length;
      return b;
    };
    return {
      entry: "POST /api/session/increment",
      what: describeRoute(label, whoIs, origin, type, chunked ? ", chunked" : ""),
      request: routeRequest("POST", "/api/session/increment", whoIs, origin, type, sized, chunked),
      check: (res, ctx) => routeCheck(origin, type, bytes, expected)?.(res, ctx) ?? null,
    };
  }

  // ------------------------------------------------------------ server action forms

  function actionRequest(path: string, whoIs: Who, fields: (ctx: Ctx) => Part[]) {
    return (ctx: Ctx): Req & { note?: string } => {
      const { header, note } = whoIs.cookie(ctx);
      const { body, contentType } = multipart(fields(ctx));
      const headers: Record<string, string> = { origin: ctx.base, "content-type": contentType, accept: "text/html" };
      if (header) headers.cookie = header;
      return { method: "POST", path, headers, body, note };
    };
  }

  /**
   * The text a multipart field arrives as on the server: lone surrogates become
   * U+FFFD on the wire, and the form parser's UTF-8 decoder drops a leading BOM.
   */
  const received = (text: string | Buffer) => Buffer.from(text).toString().replace(/^\ufeff/, "");

  interface FieldChoice {
    label: string;
    part?: Part;
    /** What the server reads with formData.get(name) as a string ("" when absent or a file). */
    text: string;
  }

  function keyField(): FieldChoice {
    const roll = rng.next();
    if (roll < 0.7) {
      const key = keys();
      return { label: `key ${key.label}`, part: { name: "key", value: key.key }, text: received(key.key) };
    }
    if (roll < 0.8) {
      const key = pageKeys();
      return { label: `key ${key}`, part: { name: "key", value: key }, text: key };
    }
    if (roll < 0.9) return { label: "key pg", part: { name: "key", value: "pg" }, text: "pg" };
    if (roll < 0.95) {
      const bytes = rng.pick([
        ["invalid UTF-8 a\\xffb", Buffer.from([0x61, 0xff, 0x62])],
        ["CESU-8 surrogate", Buffer.from([0xed, 0xa0, 0x80])],
        ["overlong NUL", Buffer.from([0xc0, 0x80])],
        ["_ then invalid UTF-8", Buffer.from([0x5f, 0xff])],
      ] as const);
      return { label: `key bytes ${bytes[0]}`, part: { name: "key", value: bytes[1] }, text: received(bytes[1]) };
    }
    if (roll < 0.98) return { label: "no key field", text: "" };
    return { label: "key as a file", part: { name: "key", value: "_auth_user_id", filename: "key.txt" }, text: "" };
  }

  function valueField(): { label: string; text: string; verdict: { problem: string | null; bytes: number } } {
    const roll = rng.next();
    if (roll < 0.5) {
      const value = values();
      const text = value.json();
      return { label: `value ${value.label}`, text, verdict: judgeJson(received(text)) };
    }
    if (roll < 0.7) {
      const value = nonJson();
      const text = received(value.text);
      let verdict = judgeJson(text);
      if (verdict.problem === "not JSON") verdict = { problem: null, bytes: Buffer.byteLength(JSON.stringify(text)) };
      return { label: `value ${value.label}`, text: value.text, verdict };
    }
    return { label: "value 1", text: "1", verdict: { problem: null, bytes: 1 } };
  }

  const ERROR_SHOWN = /class="result error"|refused/;

  function playground(): Input {
    const op = rng.weighted({
      set: 30,
      get: 8,
      has: 5,
      pop: 12,
      setdefault: 10,
      increment: 15,
      expiry: 10,
      clear: 3,
      flush: 3,
      cycle: 3,
      hostile: 2,
    });
    let whoIs: Who;
    if (op === "clear" || op === "flush" || op === "cycle") whoIs = NOBODY;
    else if (op === "expiry") whoIs = who(rng, { pool: 0.6, slots: EXPENDABLE });
    else whoIs = who(rng, { pool: 0.6, tampered: 0.05 });
    const opText = op === "hostile" ? rng.pick(["nope", "__proto__", "constructor", "toString", "SET", "set ", "", "hasOwnProperty"]) : op;
    const key = keyField();
    const value = valueField();
    const expiry = expiries();
    const fields: Part[] = [];
    const labels = [`op ${JSON.stringify(opText)}`];
    if (!(op === "hostile" && opText === "")) fields.push({ name: "op", value: opText });
    if (op === "expiry") {
      fields.push({ name: "expiry", value: expiry });
      labels.push(`expiry ${JSON.stringify(expiry.length > 20 ? `${expiry.slice(0, 12)}… (${expiry.length} chars)` : expiry)}`);
    } else {
      if (key.part) fields.push(key.part);
      fields.push({ name: "value", value: value.text });
      labels.push(key.label, value.label);
    }
    const writes = op === "set" || op === "setdefault" || op === "pop" || op === "increment";
    let check: Check | undefined;
    if (writes && keyProblem(key.text)) {
      check = (res) => (ERROR_SHOWN.test(res.body) ? null : `the playground did not refuse ${op} of a ${keyProblem(key.text)} key`);
    } else if (whoIs.fresh && (op === "set" || op === "setdefault") && value.text !== "" && !value.verdict.problem && value.verdict.bytes < SURELY_FITS) {
      check = (res) => (ERROR_SHOWN.test(res.body) ? `the playground refused a valid ${op} (status ${res.status})` : null);
    } else if ((op === "set" || op === "setdefault") && value.text === "" && !keyProblem(key.text)) {
      check = (res) => (ERROR_SHOWN.test(res.body) ? null : `the playground stored an empty Value with ${op}`);
    } else if (whoIs.fresh && op === "increment" && !keyProblem(key.text)) {
      // Increment's step is Value: empty for 1, else a whole number; anything else is refused.
      const step = value.text.trim();
      const validStep = step === "" || (/^[-+]?\d{1,16}$/.test(step) && Number.isSafeInteger(Number(step)));
      check = (res) =>
        validStep === ERROR_SHOWN.test(res.body) ? `the playground ${validStep ? "refused a valid" : "accepted an invalid"} increment (step ${JSON.stringify(step.slice(0, 20))}, status ${res.status})` : null;
    }
    return {
      entry: "playground action",
      what: `${labels.join(", ")} [${whoIs.label}]`,
      request: actionRequest("/playground", whoIs, (ctx) => [...ctx.forms.playground.map(([name, v]) => ({ name, value: v })), ...fields]),
      check,
    };
  }

  function saveBuild(): Input {
    const whoIs = who(rng, { pool: 0.5, tampered: 0.05 });
    const fields: Part[] = [];
    const labels: string[] = [];
    for (const part of ["cpu", "gpu", "ram"]) {
      const roll = rng.next();
      if (roll < 0.1) {
        labels.push(`no ${part}`);
        continue;
      }
      if (roll < 0.15) {
        fields.push({ name: part, value: "AMD Ryzen 5", filename: "part.txt" });
        labels.push(`${part} as a file`);
        continue;
      }
      const choice = parts();
      fields.push({ name: part, value: choice.text });
      labels.push(`${part} ${choice.label}`);
      if (roll > 0.9) {
        const second = parts();
        fields.push({ name: part, value: second.text });
        labels.push(`and again ${second.label}`);
      }
    }
    return {
      entry: "Save build action",
      what: `${labels.join(", ")} [${whoIs.label}]`,
      request: actionRequest("/", whoIs, (ctx) => [...ctx.forms.saveBuild.map(([name, v]) => ({ name, value: v })), ...fields]),
    };
  }

  // The real account's attempts: every near miss first (before the account's failures are throttled), then anything.
  const realAccountPasswords = rng.shuffle([...NEAR_MISS_PASSWORDS]);
  const forwarded = rng.deck(HOSTILE_FORWARDED);
  let clients = 0;

  function login(): Input {
    // Not the general pool: a sign-in (which must not happen) would rotate its key and muddle the other checks.
    const whoIs = who(rng, { pool: 0.3, slots: EXPENDABLE });
    const real = rng.chance(0.5);
    const username = real ? { label: REAL_USERNAME, text: REAL_USERNAME } : usernames();
    const password = real ? (realAccountPasswords.shift() ?? passwords()) : passwords();
    const next = nexts();
    if (username.text === REAL_USERNAME && password.text === REAL_PASSWORD) throw new Error("the campaign must never sign in");
    // Mostly a client address of its own (so the per-client limit does not hide the password check), else a hostile one.
    const client = rng.chance(0.7) ? { label: "own XFF", value: `10.${(clients >> 16) & 255}.${(clients >> 8) & 255}.${clients++ & 255}` } : forwarded();
    const nextText = (ctx: Ctx) => new URLSearchParams(next.query(ctx.port)).get("next") ?? "";
    const request = actionRequest("/login", whoIs, (ctx) => [
      ...ctx.forms.login.map(([name, v]) => ({ name, value: v })),
      { name: "next", value: nextText(ctx) },
      { name: "username", value: username.text },
      { name: "password", value: password.text },
    ]);
    return {
      entry: "login action",
      what: `username ${username.label}, password ${password.label}, next ${next.label}, ${client.label} [${whoIs.label}]`,
      request: (ctx) => {
        const req = request(ctx);
        if (client.value !== undefined) req.headers["x-forwarded-for"] = client.value;
        return req;
      },
      // No credentials here are right: a redirect (but the breaker's) means this input signed in.
      check: (res) => {
        const location = String(res.headers.location ?? "");
        return res.status >= 300 && res.status < 400 && !location.includes("/session/unavailable") ? `signed in: ${res.status} to ${location.slice(0, 80)}` : null;
      },
    };
  }

  // ------------------------------------------------------------ redirects

  function getWith(path: (ctx: Ctx) => string, whoIs: Who) {
    return (ctx: Ctx): Req & { note?: string } => {
      const { header, note } = whoIs.cookie(ctx);
      return { method: "GET", path: path(ctx), headers: header ? { cookie: header } : {}, note };
    };
  }

  function loginPage(): Input {
    const next = nexts();
    const whoIs = who(rng, { pool: 0.3, tampered: 0.2 });
    return {
      entry: "GET /login?next=",
      what: `next ${next.label} [${whoIs.label}]`,
      request: getWith((ctx) => `/login?${next.query(ctx.port)}`, whoIs),
    };
  }

  function renew(): Input {
    const next = nexts();
    const roll = rng.next();
    let whoIs: Who;
    let junkKind = -1;
    if (roll < 0.35) whoIs = NOBODY;
    else if (roll < 0.7) whoIs = poolWho(rng.int(GENERAL_SLOTS));
    else if (roll < 0.9) whoIs = tamperedWho(rng, rng.chance(0.5));
    else {
      junkKind = rng.int(JUNK_KINDS);
      const jr = new Rng(rng.int(0x100000000));
      whoIs = {
        label: "junk cookie",
        fresh: true,
        live: false,
        cookie: (ctx) => {
          const junk = junkCookie(jr, junkKind, { foreign: ctx.foreignSeal, unknownKey: ctx.unknownKeySeal, tampered: tamper(ctx.browserSeal(), 0, sweep++).value });
          return { header: junk.header, note: junk.label };
        },
      };
    }
    const sent = (ctx: Ctx) => (whoIs.live ? whoIs.cookie(ctx).header?.slice(`${COOKIE_NAME}=`.length) : undefined);
    return {
      entry: "GET /session/renew?next=",
      what: `next ${next.label} [${whoIs.label}]`,
      request: getWith((ctx) => `/session/renew?${next.query(ctx.port)}`, whoIs),
      check: (res, ctx) => {
        if (res.status !== 303) return `expected 303, got ${res.status}`;
        const location = res.headers.location;
        if (typeof location !== "string") return "303 without a Location";
        if (/^[/\\][/\\]/.test(location)) return `Location ${JSON.stringify(location.slice(0, 80))} starts with // or /\\`;
        let target: URL;
        try {
          target = new URL(location, ctx.base);
        } catch {
          return `Location ${JSON.stringify(location.slice(0, 80))} is not a URL`;
        }
        if (target.origin !== new URL(ctx.base).origin) return `redirects off-site to ${target.origin}`;
        if (whoIs.live) {
          const set = setCookieValue(res, COOKIE_NAME);
          if (set !== undefined && set !== sent(ctx)) return "replaced a live session's cookie";
        }
        return null;
      },
    };
  }

  // ------------------------------------------------------------ cookies on pages

  /** A page may send a new visitor to /session/renew for its key first (a browser follows): that is a fresh start too. */
  const toRenewal = (res: Res) => res.status >= 300 && res.status < 400 && String(res.headers.location ?? "").startsWith("/session/renew");
  const FRESH_PAGES: { path: string; fresh: (res: Res) => string | null }[] = [
    {
      path: "/",
      fresh: (res) =>
        res.status === 200 && ["CPU not selected", "GPU not selected", "RAM not selected"].every((t) => pageText(res.body).includes(t))
          ? null
          : `not a new visitor's PC builder (status ${res.status})`,
    },
    {
      path: "/library",
      fresh: (res) =>
        res.status === 200 && pageText(res.body).includes("You have visited this page 1 time.") ? null : `not a first visit (status ${res.status}, ${visitsShown(res.body)})`,
    },
    {
      path: "/getsession",
      fresh: (res) => (res.status === 404 && pageText(res.body).includes("No session data yet") ? null : `not "No session data yet" with 404 (status ${res.status})`),
    },
    {
      path: "/api/session",
      fresh: (res) => {
        if (res.status !== 200) return `status ${res.status}`;
        try {
          const items = (JSON.parse(res.body) as { items?: Record<string, unknown> }).items;
          return items && Object.keys(items).length === 0 ? null : `items ${JSON.stringify(items).slice(0, 80)}`;
        } catch {
          return "not JSON";
        }
      },
    },
  ];
  const LIVE_PAGES = ["/", "/library", "/getsession", "/greeting", "/setsession", "/playground", "/account", "/api/session", "/account/devices"];

  function cookiePage(): Input {
    const roll = rng.next();
    if (roll < 0.3) {
      const whoIs = poolWho(rng.int(GENERAL_SLOTS));
      const path = rng.pick(LIVE_PAGES);
      return { entry: "cookies on pages", what: `GET ${path} [${whoIs.label}, live]`, request: getWith(() => path, whoIs) };
    }
    const page = rng.pick(FRESH_PAGES);
    if (roll < 0.75) {
      const whoIs = tamperedWho(rng, rng.chance(0.65));
      return {
        entry: "cookies on pages",
        what: `GET ${page.path} [${whoIs.label}]`,
        request: getWith(() => page.path, whoIs),
        check: (res) => (toRenewal(res) ? null : page.fresh(res)),
      };
    }
    const kind = rng.int(JUNK_KINDS);
    const jr = new Rng(rng.int(0x100000000));
    let fresh = true;
    return {
      entry: "cookies on pages",
      what: `GET ${page.path} [junk cookie]`,
      request: (ctx) => {
        const junk = junkCookie(jr, kind, { foreign: ctx.foreignSeal, unknownKey: ctx.unknownKeySeal, tampered: tamper(ctx.browserSeal(), 0, sweep++).value });
        fresh = junk.fresh;
        return { method: "GET", path: page.path, headers: { cookie: junk.header }, note: junk.label };
      },
      check: (res) => (fresh && !toRenewal(res) ? page.fresh(res) : null),
    };
  }

  // ------------------------------------------------------------ the mix

  const makers: Record<Entry, () => Input> = {
    "PATCH /api/session": patch,
    "DELETE /api/session": del,
    "POST /api/session/increment": increment,
    "playground action": playground,
    "Save build action": saveBuild,
    "login action": login,
    "GET /login?next=": loginPage,
    "GET /session/renew?next=": renew,
    "cookies on pages": cookiePage,
  };
  const order: Entry[] = [];
  for (const [entry, count] of Object.entries(ENTRIES) as [Entry, number][]) for (let i = 0; i < count * scale; i++) order.push(entry);
  return rng.shuffle(order).map((entry) => makers[entry]());
}

export function visitsShown(body: string): string {
  return pageText(body).match(/visited this page \d+ times?/)?.[0] ?? "no count shown";
}

