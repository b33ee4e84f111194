import { SessionTooLargeError } from "../errors";
import { isWellFormedKey } from "../keys";
import { securityEvent } from "../log";
import { seal, sealedLength, unseal } from "../seal";
import type { SecretList } from "../secret";
import { assertIncrementResult, ownCopy, putOwn } from "../validate";
import type { CookieCodec, CookieContents, CycleContext, CycleResult, JsonValue, LoadResult, SessionChange, SessionEngine, SessionStore, WriteContext, WriteResult } from "../types";

type Data = Record<string, JsonValue>;

/**
 * What the cookie carries, sealed together (times in ms since epoch). One
 * letter per field: the names travel, sealed, in every request's cookie,
 * which browsers cap at about 4 KB.
 */
interface Payload {
  k: string; // key: the session's identity within this browser
  d: Data;
  e: number; // expires
  c: number; // created
  t: number; // sealed
}

/** Browsers keep about 4096 bytes per cookie, name and value together. */
export const COOKIE_LIMIT_BYTES = 4096;

function isPayload(value: Record<string, unknown>): value is Record<string, unknown> & Payload {
  return (
    isWellFormedKey(value.k) &&
    typeof value.e === "number" &&
    typeof value.c === "number" &&
    typeof value.t === "number" &&
    typeof value.d === "object" &&
    value.d !== null &&
    !Array.isArray(value.d)
  );
}

/**
 * Django's signed_cookies engine: the whole session travels sealed in the
 * cookie and nothing is stored server-side. One instance per request: it
 * holds what the incoming cookie carried and what this request wrote.
 *
 * What it cannot do, by design: list or end sessions server-side (a
 * copied cookie stays valid until it expires), merge concurrent requests
 * (the last response's cookie wins), or persist a write made while a server
 * component renders (only the proxy, actions and route handlers can set it).
 */
export class CookieStore implements SessionStore {
  private payloads = new Map<string, { payload: Payload; sealed: string }>();

  constructor(
    private readonly secrets: SecretList,
    private readonly cookieName: string,
  ) {}

  /** This request's cookie: the sealed data itself, which this store reads and writes. */
  readonly cookie: CookieCodec = {
    read: (value) => this.readCookie(value),
    write: (key) => this.cookieValue(key),
  };

  private async readCookie(value: string | undefined): Promise<CookieContents | null> {
    if (!value) return null;
    if (value.length > COOKIE_LIMIT_BYTES) {
      securityEvent("oversized session cookie", { length: value.length });
      return null;
    }
    const data = await unseal(value, this.secrets, (reason) => securityEvent("session cookie rejected", { reason }));
    if (!data) return null;
    if (!isPayload(data)) {
      securityEvent("session cookie rejected", { reason: "malformed payload" });
      return null;
    }
    if (data.e <= Date.now()) return null; // expired: a fresh session
    this.payloads.set(data.k, { payload: data, sealed: value });
    return { key: data.k, sealedAt: data.t };
  }

  private async cookieValue(key: string): Promise<string> {
    const entry = this.payloads.get(key);
    return entry ? entry.sealed : (await this.sealed(key, {}, Date.now())).sealed;
  }

  private liveData(key: string): Data {
    const entry = this.payloads.get(key);
    return entry && entry.payload.e > Date.now() ? entry.payload.d : {};
  }

  /** Seals a payload (created at `createdAt`, else when the key's session was), refusing one the browser would not keep. */
  private async sealed(key: string, data: Data, expiresAt: number, createdAt?: number): Promise<{ payload: Payload; sealed: string }> {
    const now = Date.now();
    const payload: Payload = { k: key, d: data, e: expiresAt, c: createdAt ?? this.payloads.get(key)?.payload.c ?? now, t: now };
    this.assertTravels(payload);
    return { payload, sealed: await seal(payload, this.secrets) };
  }

  /** Refuses a payload whose cookie the browser would not keep. */
  private assertTravels(payload: Payload): void {
    const bytes = this.cookieName.length + 1 + sealedLength(payload, this.secrets);
    if (bytes > COOKIE_LIMIT_BYTES) {
      throw new SessionTooLargeError(bytes, COOKIE_LIMIT_BYTES, "the cookie engine's sealed cookie (browsers keep about 4 KB)");
    }
  }

  /** Called before a change is accepted, so a payload that cannot travel is refused up front. */
  async assertFits(data: Data): Promise<void> {
    const now = Date.now();
    this.assertTravels({ k: "x".repeat(43), d: data, e: now, c: now, t: now });
  }

  async load(key: string): Promise<LoadResult> {
    const entry = this.payloads.get(key);
    if (!entry) return { state: "missing" };
    return { state: "live", data: { ...this.liveData(key) }, createdAt: entry.payload.c, lastSeenAt: entry.payload.t, expiresAt: entry.payload.e };
  }

  async save(key: string, change: SessionChange, ctx: WriteContext): Promise<WriteResult> {
    const data: Data = change.replaceAll ? {} : ownCopy(this.liveData(key));
    for (const [field, value] of Object.entries(change.set)) putOwn(data, field, value);
    for (const removed of change.removed) delete data[removed];
    if (Object.keys(data).length === 0) {
      this.payloads.delete(key);
      return "emptied";
    }
    this.payloads.set(key, await this.sealed(key, data, ctx.expiresAt));
    return "saved";
  }

  async increment(key: string, field: string, by: number, ctx: WriteContext): Promise<number> {
    const data = this.liveData(key);
    const value = assertIncrementResult(field, Object.hasOwn(data, field) ? data[field] : undefined, by);
    const bytes = Buffer.byteLength(JSON.stringify({ ...data, [field]: value }));
    if (bytes > ctx.maxBytes) throw new SessionTooLargeError(bytes, ctx.maxBytes);
    await this.save(key, { set: { [field]: value }, removed: [], replaceAll: false }, ctx);
    return value;
  }

  async touch(key: string, ctx: WriteContext): Promise<void> {
    const data = this.liveData(key);
    if (Object.keys(data).length > 0) this.payloads.set(key, await this.sealed(key, data, ctx.expiresAt));
  }

  async end(key: string): Promise<void> {
    this.payloads.delete(key);
  }

  /** Nothing server-side can end a cookie's session meanwhile: a rotation always goes through. */
  async cycle(oldKey: string | null, newKey: string, data: Data, ctx: CycleContext): Promise<CycleResult> {
    if (oldKey) this.payloads.delete(oldKey);
    if (Object.keys(data).length > 0) this.payloads.set(newKey, await this.sealed(newKey, data, ctx.expiresAt, ctx.createdAt));
    return "cycled";
  }


  async clearExpired(): Promise<number> {
    return 0; // nothing is stored server-side: expired cookies simply stop opening
  }
}


/** Django's signed_cookies engine: a new store per request, its cookie the data; render-time writes run in the proxy. */
export function cookieEngine(secrets: SecretList, cookieName: string): SessionEngine {
  return {
    open: () => {
      const store = new CookieStore(secrets, cookieName);
      return { store, cookie: store.cookie };
    },
    writesDuringRender: false,
  };
}
