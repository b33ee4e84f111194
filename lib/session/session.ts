import type { ClientBudget } from "./budget";
import { SessionBudgetError, SessionBudgetExceededError, SessionEngineUnsupportedError, SessionInterruptedError, SessionKeyRequiredError, DataKeyError, SessionTooLargeError, SessionValueError } from "./errors";
import { newSessionKey } from "./keys";
import { runHook, type JsonValue, type SessionChange, type SessionHooks, type DataKey, type SessionStore, type UserSessionInfo, type UserSessions, type ValueOf, type WriteContext } from "./types";
import { assertChange, assertIncrement, assertIncrementResult, assertReservedDataKey, ownCopy, putOwn, RESERVED_PREFIX, type Writer } from "./validate";

/** Where the session's cookie goes: the Next.js glue, or a test double of it. */
export interface SessionTransport {
  /** The key the request's verified cookie carries, or null. */
  readonly incomingKey: string | null;
  /** Whether the request arrived with a cookie of the session's name (valid or not). */
  readonly hadCookie: boolean;
  /** The key was issued for this very request (by the proxy): it cannot have data yet. */
  readonly keyIsNew?: boolean;
  /** False where the response cannot carry a cookie (a server component rendering). */
  readonly writable: boolean;
  readonly userAgent?: string;
  /** The client's network (see WriteContext.network), stored for the device list. */
  readonly network?: string;
  /** The client's address, as the app trusts it: what its budget of anonymous data is counted under (never stored). */
  readonly clientAddress?: string;
  sendKey(key: string, maxAgeSeconds: number | null): Promise<void>;
  deleteCookie(): Promise<void>;
}

export interface SessionOptions {
  cookieAge: number;
  expireAtBrowserClose: boolean;
  saveEveryRequest: boolean;
  maxBytes: number;
  /** Seconds after creation when the session ends however active; 0 = no limit. */
  absoluteAge?: number;
  /** The payload limit while no user is signed in (SESSION_ANONYMOUS_MAX_BYTES); default maxBytes. */
  anonymousMaxBytes?: number;
  /** Per-client budgets of anonymous data (new sessions, bytes per minute); none: unlimited. */
  budget?: ClientBudget;
  hooks?: SessionHooks;
}

/** A budget reservation for one store write: what the store is told, and its settlement afterwards. */
interface Reservation {
  created?: () => void;
  settle(): void;
}

const NO_RESERVATION: Reservation = { settle: () => {} };

/** Reserved keys (see validate.ts), as in Django: kept with the data, never listed by keys()/items(). */
const EXPIRY_KEY = "_session_expiry";
/** The longest expiry set_expiry accepts: dates past it are not representable everywhere a cookie goes. */
const MAX_EXPIRY_SECONDS = 100 * 365 * 24 * 60 * 60;
const TEST_COOKIE_KEY = "testcookie";
const TEST_COOKIE_VALUE = "worked";

type Data = Record<string, JsonValue>;

function isExpirySeconds(n: number): boolean {
  return Number.isInteger(n) && n >= 0 && n <= MAX_EXPIRY_SECONDS;
}

function isExpiryDate(ms: number): boolean {
  return Number.isFinite(ms) && ms <= Date.now() + MAX_EXPIRY_SECONDS * 1000;
}

function byteSize(data: Data): number {
  return Buffer.byteLength(JSON.stringify(data));
}

/** Whether the data names a signed-in user (sign-in's integer `_auth_user_id`). */
function isSignedIn(data: Data | null): boolean {
  return Number.isInteger(data?._auth_user_id);
}

/**
 * Django's SessionBase: a dict-like view of one visitor's data that loads
 * lazily (no key, no query), remembers which keys changed, and saves only
 * those. Methods that read the data are async because the first one loads it.
 */
export class Session {
  /** Django's flags: some data was read / changed in this request. */
  accessed = false;
  modified = false;

  private key: string | null;
  private data: Data | null = null;
  /** When the stored session was created (ms), once loaded; null for one not stored yet (it starts now). */
  private createdAt: number | null = null;
  private keyEnded = false;
  /**
   * For the `created` hook: the key holds no stored data yet (issued in this
   * request or by the proxy, or loaded empty); cleared once data is stored.
   */
  private keyHoldsNoData: boolean;
  private changedKeys = new Set<string>();
  private replaceAll = false;

  constructor(
    private readonly store: SessionStore,
    private readonly options: SessionOptions,
    private readonly transport: SessionTransport,
  ) {
    this.key = transport.incomingKey;
    this.keyHoldsNoData = !!transport.keyIsNew;
  }

  /** The key in the cookie (never stored in the clear); null until one is issued. */
  get sessionKey(): string | null {
    return this.key;
  }

  private async load(): Promise<Data> {
    if (this.data) return this.data;
    if (!this.key || this.transport.keyIsNew) return (this.data = {});
    const result = await this.store.load(this.key);
    const tooOld = result.state === "live" && !!this.options.absoluteAge && Date.now() - result.createdAt > this.options.absoluteAge * 1000;
    if (tooOld) await this.store.end(this.key); // SESSION_ABSOLUTE_AGE: sign in again, however active
    this.keyEnded = result.state === "ended" || tooOld;
    this.data = result.state === "live" && !tooOld ? result.data : {};
    this.createdAt = result.state === "live" && !tooOld ? result.createdAt : null;
    if (Object.keys(this.data).length === 0) this.keyHoldsNoData = true;
    return this.data;
  }

  private async read(): Promise<Data> {
    this.accessed = true;
    return this.load();
  }

  /** Applies a change to a copy, checks the size, then commits it: a refused change leaves the data as it was. */
  private async write(mutate: (draft: Data) => string[]): Promise<void> {
    const current = await this.read();
    const draft = ownCopy(current);
    const touched = mutate(draft);
    const bytes = byteSize(draft);
    const [limit, setting] = this.limitFor(draft);
    if (bytes > limit) throw new SessionTooLargeError(bytes, limit, setting);
    await this.store.assertFits?.(draft);
    this.data = draft;
    for (const key of touched) this.changedKeys.add(key);
    this.modified = true;
  }

  /**
   * Whether setting these keys would keep the data within its size limit, as
   * now loaded: for a framework write that must not eat the room a change of
   * the request's own still needs (a message). The store checks again when it writes.
   */
  async fits(values: Data): Promise<boolean> {
    const draft = { ...(await this.read()), ...values };
    return byteSize(draft) <= this.limitFor(draft)[0];
  }

  /** The payload limit for this data: SESSION_ANONYMOUS_MAX_BYTES while no user is signed in. */
  private limitFor(data: Data): [number, string] {
    const anonymous = this.options.anonymousMaxBytes;
    if (anonymous === undefined || anonymous >= this.options.maxBytes || isSignedIn(data)) return [this.options.maxBytes, "SESSION_MAX_BYTES"];
    return [anonymous, "SESSION_ANONYMOUS_MAX_BYTES"];
  }

  /** Whether a write may create the stored session (nothing known to be stored under the key). */
  private mayCreate(): boolean {
    return this.keyHoldsNoData || this.keyEnded || this.data === null || Object.keys(this.data).length === 0;
  }

  /**
   * Charges a write of a visitor who is not signed in to the client's budget
   * before it is stored (SessionBudgetExceededError when spent, nothing
   * written). A write that may create the session reserves a new session;
   * `settle` gives it back unless the store said it created one. Only a
   * client already over budget pays a load to learn whether its session exists.
   */
  private async reserve(bytes: number, alwaysCreates: boolean): Promise<Reservation> {
    const budget = this.options.budget;
    if (!budget || isSignedIn(this.data)) return NO_RESERVATION;
    const client = this.transport.clientAddress;
    const creates = alwaysCreates || this.mayCreate();
    const reserved = creates && budget.reserveSession(client);
    if (creates && !reserved) {
      if (alwaysCreates) throw new SessionBudgetExceededError("new sessions per minute");
      if (this.data === null) await this.load();
      if (isSignedIn(this.data)) return NO_RESERVATION;
      if (this.mayCreate()) throw new SessionBudgetExceededError("new sessions per minute");
    }
    if (!budget.chargeBytes(client, bytes)) {
      if (reserved) budget.refundSession(client);
      throw new SessionBudgetExceededError("bytes of session data per minute");
    }
    let created = false;
    return {
      created: () => void (created = true),
      settle: () => void (reserved && !created && budget.refundSession(client)),
    };
  }

  /** One store write under a reservation: settled whatever happens. */
  private async reserved<T>(bytes: number, write: (ctx: WriteContext) => Promise<T>, alwaysCreates = false): Promise<T> {
    const reservation = await this.reserve(bytes, alwaysCreates);
    try {
      return await write({ ...this.writeContext(), created: reservation.created });
    } finally {
      reservation.settle();
    }
  }

  private static visible(data: Data): [string, JsonValue][] {
    return Object.entries(data).filter(([key]) => !key.startsWith(RESERVED_PREFIX));
  }

  // --- the dict API -------------------------------------------------------

  async get<K extends string>(key: K): Promise<ValueOf<K> | undefined>;
  async get<K extends string>(key: K, fallback: ValueOf<K>): Promise<ValueOf<K>>;
  async get(key: string, fallback?: JsonValue): Promise<JsonValue | undefined> {
    const data = await this.read();
    return Object.hasOwn(data, key) ? data[key] : fallback;
  }

  async set<K extends string>(key: K, value: ValueOf<K>): Promise<void> {
    await this.setAs("app", key, value);
  }

  private async setAs(writer: Writer, key: string, value: unknown): Promise<void> {
    assertChange(key, writer, value);
    await this.write((draft) => {
      putOwn(draft, key, value);
      return [key];
    });
  }

  async has(key: string): Promise<boolean> {
    return Object.hasOwn(await this.read(), key);
  }

  /** Removes a key; returns whether it was there (Map's idiom for Django's `del`). */
  async delete(key: string): Promise<boolean> {
    return this.deleteAs("app", key);
  }

  private async deleteAs(writer: Writer, key: string): Promise<boolean> {
    assertChange(key, writer);
    if (!(await this.has(key))) return false;
    await this.write((draft) => {
      delete draft[key];
      return [key];
    });
    return true;
  }

  async pop<K extends string>(key: K, ...fallback: [] | [ValueOf<K>]): Promise<ValueOf<K>> {
    assertChange(key, "app");
    const data = await this.read();
    if (!Object.hasOwn(data, key)) {
      if (fallback.length === 0) throw new DataKeyError(key);
      return fallback[0] as ValueOf<K>;
    }
    const value = data[key] as ValueOf<K>;
    await this.delete(key);
    return value;
  }

  async setdefault<K extends string>(key: K, value: ValueOf<K>): Promise<ValueOf<K>> {
    assertChange(key, "app", value);
    const data = await this.read();
    if (Object.hasOwn(data, key)) return data[key] as ValueOf<K>;
    await this.set(key, value);
    return value;
  }

  async update(values: Partial<{ [K in DataKey]: ValueOf<K> }> | Record<string, JsonValue>): Promise<void> {
    const entries = Object.entries(values as Record<string, unknown>);
    for (const [key, value] of entries) assertChange(key, "app", value);
    await this.write((draft) => {
      for (const [key, value] of entries) putOwn(draft, key, value as JsonValue);
      return entries.map(([key]) => key);
    });
  }

  // --- reserved keys: the framework's and sign-in's own writes ----------------

  /**
   * Sets a reserved key (`_auth_user_id`, messages…). For the framework and
   * sign-in only: never with a key or value a client chose. The key must
   * start with "_", and the value passes the same checks as any other.
   */
  async setReserved(key: string, value: JsonValue): Promise<void> {
    assertReservedDataKey(key);
    await this.setAs("framework", key, value);
  }

  /** Removes a reserved key; returns whether it was there. */
  async deleteReserved(key: string): Promise<boolean> {
    assertReservedDataKey(key);
    return this.deleteAs("framework", key);
  }

  /** The reserved keys starting with `prefix` (messages…), with their values, in key order. */
  async reservedItems(prefix: string): Promise<[string, JsonValue][]> {
    assertReservedDataKey(prefix);
    const data = await this.read();
    return Object.keys(data)
      .filter((key) => key.startsWith(prefix))
      .sort()
      .map((key) => [key, data[key]]);
  }

  async keys(): Promise<string[]> {
    return Session.visible(await this.read()).map(([key]) => key);
  }

  async values(): Promise<JsonValue[]> {
    return Session.visible(await this.read()).map(([, value]) => value);
  }

  async items(): Promise<[string, JsonValue][]> {
    return Session.visible(await this.read());
  }

  /** Bytes of the JSON payload as stored (what SESSION_MAX_BYTES limits). */
  async byteSize(): Promise<number> {
    return byteSize(await this.load());
  }

  async isEmpty(): Promise<boolean> {
    return Object.keys(await this.load()).length === 0;
  }

  /** Removes all data but keeps the key. */
  async clear(): Promise<void> {
    await this.load();
    this.data = {};
    this.replaceAll = true;
    this.changedKeys.clear();
    this.accessed = true;
    this.modified = true;
  }

  // --- beyond Django --------------------------------------------------------

  /**
   * Adds `by` (a whole number) in one atomic statement (no lost counts under
   * concurrency); returns the new value. The value must be a whole number or
   * absent (counted from 0), and stay exact (within ±2^53-1).
   */
  async increment<K extends string>(key: K, by = 1): Promise<number> {
    return this.incrementAs("app", key, by);
  }

  /** increment() of a reserved key (a counter of the framework's own, such as the messages'). */
  async incrementReserved(key: string, by = 1): Promise<number> {
    assertReservedDataKey(key);
    return this.incrementAs("framework", key, by);
  }

  private async incrementAs(writer: Writer, key: string, by: number): Promise<number> {
    assertIncrement(key, by, writer);
    // SESSION_ABSOLUTE_AGE: the session's age must be known before a write may extend it.
    if (this.options.absoluteAge) await this.load();
    // Checked here when the data is at hand; the store checks again atomically.
    if (this.data) assertIncrementResult(key, Object.hasOwn(this.data, key) ? this.data[key] : undefined, by);
    await this.ensureWritableKey();
    // What a count can add: the key, its quotes and colon, a comma and the digits.
    const growth = Buffer.byteLength(key) + 4 + 17;
    let value = await this.reserved(growth, (ctx) => this.store.increment(this.key!, key, by, ctx));
    if (value === "interrupted") {
      await this.replaceDeadKey();
      value = (await this.reserved(growth, (ctx) => this.store.increment(this.key!, key, by, ctx))) as number;
    }
    this.storedData();
    if (this.data) putOwn<JsonValue>(this.data, key, value);
    this.accessed = true;
    this.modified = true;
    await this.sendCookie(); // a new key, or the expiry it just extended
    return value;
  }

  // --- keys and lifetime ----------------------------------------------------

  /** Deletes the data and the row, ends the key and deletes the cookie: logout. */
  async flush(): Promise<void> {
    if (this.key) await this.store.end(this.key);
    runHook(this.options.hooks?.flushed, this.eventInfo());
    if (this.transport.hadCookie && this.transport.writable) await this.transport.deleteCookie();
    this.key = null;
    this.data = {};
    this.createdAt = null;
    this.keyEnded = false;
    this.changedKeys.clear();
    this.replaceAll = false;
    this.accessed = true;
    this.modified = true;
  }

  /**
   * The same data under a new key; the old key dies (call on login against
   * fixation). The session keeps its age (SESSION_ABSOLUTE_AGE counts from
   * its creation, however often the key turns), unless `restartAge`: a new
   * authentication (sign-in) starts a new age.
   */
  async cycleKey(options: { restartAge?: boolean } = {}): Promise<void> {
    const data = await this.load();
    const oldKey = this.keyEnded ? null : this.key;
    this.key = newSessionKey();
    this.keyEnded = false;
    const newKey = this.key;
    if (options.restartAge || this.createdAt === null) this.createdAt = Date.now();
    const createdAt = this.createdAt;
    const creates = Object.keys(data).length > 0;
    const result = await this.reserved(creates ? byteSize(data) : 0, (ctx) => this.store.cycle(oldKey, newKey, data, { ...ctx, createdAt }), creates);
    runHook(this.options.hooks?.rotated, this.eventInfo());
    if (result === "interrupted") this.keepOwnChangesOnly();
    else this.changedKeys.clear();
    this.replaceAll = false;
    this.accessed = true;
    this.modified = true;
    await this.sendCookie();
  }

  /**
   * The session was ended elsewhere while this request rotated it: its stored
   * data stays dead, and what this request itself changed waits, pending, for
   * the fresh session's save (as a save under a dead key does).
   */
  private keepOwnChangesOnly(): void {
    const data = this.data ?? {};
    this.data = this.replaceAll ? data : Object.fromEntries([...this.changedKeys].filter((key) => Object.hasOwn(data, key)).map((key) => [key, data[key]]));
    if (this.replaceAll) for (const key of Object.keys(data)) this.changedKeys.add(key);
    this.keyHoldsNoData = true;
  }

  /** Django's set_expiry: seconds, a Date, 0 for browser close, null for the default. */
  async setExpiry(value: number | Date | null): Promise<void> {
    if (value === null) {
      await this.deleteAs("framework", EXPIRY_KEY);
      return;
    }
    if (typeof value === "number" && !isExpirySeconds(value)) {
      throw new SessionValueError(`Session expiry must be a whole number of seconds from 0 to ${MAX_EXPIRY_SECONDS}, a Date or null; got ${value}`);
    }
    if (value instanceof Date && !isExpiryDate(value.getTime())) {
      throw new SessionValueError(`Session expiry date must be a valid date at most ${MAX_EXPIRY_SECONDS} seconds from now`);
    }
    await this.setAs("framework", EXPIRY_KEY, value instanceof Date ? value.toISOString() : value);
  }

  /** The stored expiry, if it is one set_expiry could have written (anything else counts as unset). */
  private expirySetting(): number | string | undefined {
    const value = this.data?.[EXPIRY_KEY];
    if (typeof value === "number") return isExpirySeconds(value) ? value : undefined;
    if (typeof value === "string") return isExpiryDate(Date.parse(value)) ? value : undefined;
    return undefined;
  }

  /**
   * When SESSION_ABSOLUTE_AGE ends this session (ms), or null without one: no
   * expiry, cookie or refresh reaches past it, whatever set_expiry asked for.
   */
  private absoluteDeadline(): number | null {
    if (!this.options.absoluteAge) return null;
    return (this.createdAt ?? Date.now()) + this.options.absoluteAge * 1000;
  }

  /** Seconds until the session expires, from now (its last modification); never past its absolute age. */
  getExpiryAge(): number {
    const expiry = this.expirySetting();
    const now = Date.now();
    const age = typeof expiry === "string" ? Math.max(0, Math.floor((Date.parse(expiry) - now) / 1000)) : expiry || this.options.cookieAge;
    const deadline = this.absoluteDeadline();
    return deadline === null ? age : Math.min(age, Math.max(0, Math.floor((deadline - now) / 1000)));
  }

  getExpiryDate(): Date {
    const expiry = this.expirySetting();
    const deadline = this.absoluteDeadline();
    if (typeof expiry === "string") return new Date(Math.min(Date.parse(expiry), deadline ?? Infinity));
    return new Date(Date.now() + this.getExpiryAge() * 1000);
  }

  getExpireAtBrowserClose(): boolean {
    const expiry = this.expirySetting();
    return expiry === undefined ? this.options.expireAtBrowserClose : expiry === 0;
  }

  // --- a user's other sessions (devices) ------------------------------------

  private userSessionsOrThrow(): UserSessions {
    if (!this.store.users) {
      throw new SessionEngineUnsupportedError("This session engine keeps no server-side sessions: it cannot list or end a user's devices");
    }
    return this.store.users;
  }

  /** The live sessions of a user, newest activity first, this one marked `current`. */
  async userSessions(userId: number): Promise<UserSessionInfo[]> {
    return this.userSessionsOrThrow().list(userId, this.keyEnded ? null : this.key);
  }

  /** Ends one other session of the user, by its listed id ("sign out" on a device row); returns whether one ended. */
  async endUserSession(userId: number, id: string): Promise<boolean> {
    const users = this.userSessionsOrThrow();
    const ended = this.key ? await users.endOne(userId, id, this.key) : false;
    if (ended) runHook(this.options.hooks?.endedElsewhere, { ...this.eventInfo(), count: 1 });
    return ended;
  }

  /** Ends every other session of the user ("sign out other devices"); returns how many. */
  async endOtherUserSessions(userId: number): Promise<number> {
    const users = this.userSessionsOrThrow();
    const count = this.key ? await users.endOthers(userId, this.key) : 0;
    if (count > 0) runHook(this.options.hooks?.endedElsewhere, { ...this.eventInfo(), count });
    return count;
  }

  // --- test cookie ----------------------------------------------------------

  async setTestCookie(): Promise<void> {
    await this.set(TEST_COOKIE_KEY, TEST_COOKIE_VALUE as ValueOf<typeof TEST_COOKIE_KEY>);
  }

  async testCookieWorked(): Promise<boolean> {
    return (await this.get(TEST_COOKIE_KEY)) === TEST_COOKIE_VALUE;
  }

  async deleteTestCookie(): Promise<void> {
    await this.delete(TEST_COOKIE_KEY);
  }

  /**
   * Idle refresh: pushes a live session's expiry (and its cookie's Max-Age)
   * forward without rewriting the data. The proxy calls it at most once per
   * SESSION_REFRESH_INTERVAL per cookie.
   */
  async refresh(): Promise<void> {
    const data = await this.load();
    if (this.keyEnded || !this.key) return;
    try {
      if (Object.keys(data).length > 0) await this.store.touch(this.key, this.writeContext());
    } catch (error) {
      if (!(error instanceof SessionBudgetError)) throw error;
      return; // a full store: the session keeps its expiry, and the cookie its own (refreshed when there is room)
    }
    await this.sendCookie(); // re-sealed: the next refresh is an interval away
  }

  // --- saving ----------------------------------------------------------------

  /** Data is now stored under the key: the first time, that is a session created. */
  private storedData(): void {
    if (this.keyHoldsNoData) runHook(this.options.hooks?.created, this.eventInfo());
    this.keyHoldsNoData = false;
  }

  private eventInfo() {
    return { userAgent: this.transport.userAgent };
  }

  private writeContext(): WriteContext {
    return { expiresAt: Date.now() + this.getExpiryAge() * 1000, userAgent: this.transport.userAgent, network: this.transport.network, maxBytes: this.options.maxBytes, anonymousMaxBytes: this.options.anonymousMaxBytes };
  }

  private pendingChange(): SessionChange {
    const data = this.data ?? {};
    if (this.replaceAll) return { set: { ...data }, removed: [], replaceAll: true };
    const set: Data = {};
    const removed: string[] = [];
    for (const key of this.changedKeys) {
      if (Object.hasOwn(data, key)) set[key] = data[key];
      else removed.push(key);
    }
    return { set, removed, replaceAll: false };
  }

  private async sendCookie(): Promise<void> {
    if (!this.transport.writable || !this.key) return;
    await this.transport.sendKey(this.key, this.getExpireAtBrowserClose() ? null : this.getExpiryAge());
  }

  /** A request that has no key yet gets one, where the response can carry it. */
  private async ensureWritableKey(): Promise<void> {
    if (this.key && !this.keyEnded) return;
    if (this.keyEnded) return this.replaceDeadKey();
    if (!this.transport.writable) throw new SessionKeyRequiredError();
    this.key = newSessionKey();
    this.keyHoldsNoData = true;
    this.createdAt = null;
  }

  /** The key died in another request: carry on under a fresh key, never the dead one. */
  private async replaceDeadKey(): Promise<void> {
    if (!this.transport.writable) throw new SessionInterruptedError();
    this.key = newSessionKey();
    this.keyHoldsNoData = true;
    this.keyEnded = false;
    this.createdAt = null;
    // The fresh session holds only what this request itself wrote.
    this.replaceAll = false;
  }

  /**
   * Writes the changed keys (Django's middleware does this after the view).
   * No-op when nothing changed, unless SESSION_SAVE_EVERY_REQUEST.
   */
  async save(): Promise<void> {
    const dirty = this.replaceAll || this.changedKeys.size > 0;
    const refresh = this.options.saveEveryRequest && this.key !== null && this.data !== null && !this.keyEnded;
    if (!dirty && !refresh) return;
    if (!dirty && (await this.isEmpty())) return;
    await this.ensureWritableKey();
    const write = () => {
      const change = this.pendingChange();
      const bytes = Object.keys(change.set).length > 0 ? Buffer.byteLength(JSON.stringify(change.set)) : 0;
      return this.reserved(bytes, (ctx) => this.store.save(this.key!, change, ctx));
    };
    let result = await write();
    if (result === "interrupted") {
      await this.replaceDeadKey();
      result = await write();
    }
    this.changedKeys.clear();
    this.replaceAll = false;
    if (result === "saved") this.storedData();
    if (result === "emptied") {
      if (this.transport.hadCookie && this.transport.writable) await this.transport.deleteCookie();
      return;
    }
    await this.sendCookie();
  }
}

/**
 * A session outside any request (scripts, workers, benchmarks), like Django's
 * `SessionStore(session_key)`: no cookie to send, every write persists.
 */
export function detachedSession(store: SessionStore, options: SessionOptions, key: string | null): Session {
  return new Session(store, options, {
    incomingKey: key,
    hadCookie: key !== null,
    writable: true,
    sendKey: async () => {},
    deleteCookie: async () => {},
  });
}
