// What the attacker suite sends: raw HTTP with a one-cookie jar, the login form posted
// without a browser, and the readings the assertions need (visit counts, Set-Cookie).
import { hiddenFields, pageText } from "../html";
import { createClient } from "@libsql/client";
import { request as httpRequest } from "node:http";
import { COOKIE_NAME } from "../env";
import { rawRequest, type RawResponse } from "../server";

export const USERNAME = "john_doe";
export const PASSWORD = "django-sessions";
export const SIGNED_IN = "Signed in as john_doe (user 123)";
export const THROTTLED = /Too many failed sign-in attempts\. Try again in \d+ seconds?\./;
export const OUTAGE_LOG = "[session] storage unavailable";

export interface Answer extends RawResponse {
  /** The `${COOKIE_NAME}=…` Set-Cookie line of the answer, if it set or deleted the session cookie. */
  sessionSetCookie: string | undefined;
  json(): Record<string, unknown> & { items?: Record<string, unknown>; error?: unknown; value?: unknown };
}

/** The answer's Set-Cookie line for the session cookie, if any. */
export function sessionSetCookie(response: RawResponse): string | undefined {
  const raw = response.headers["set-cookie"];
  const lines = Array.isArray(raw) ? raw : raw ? [raw] : [];
  return lines.find((line) => line.startsWith(`${COOKIE_NAME}=`));
}

/** The body as a reader sees it (see pageText). */
export const text = pageText;

/** "You have visited this page N times." on /library, or NaN. */
export function visits(body: string): number {
  return Number(text(body).match(/You have visited this page (\d+) times?\./)?.[1]);
}

export interface SendOptions {
  /** A JSON body (serialized with JSON.stringify). */
  json?: unknown;
  /** A body sent byte for byte (for JSON that JSON.stringify would not write, e.g. a duplicate or escaped key). */
  raw?: string | Buffer;
  /** Headers on top of the defaults; a header set to undefined is not sent. */
  headers?: Record<string, string | undefined>;
  /** Send the session cookie (default true). */
  withCookie?: boolean;
}

/**
 * One client: a cookie jar holding the session cookie (COOKIE_NAME) only. Unsafe methods get the
 * headers a same-origin browser page would send (Origin and a JSON content
 * type) unless the test overrides them.
 */
export class Client {
  cookie: string | undefined;

  constructor(
    readonly baseURL: string,
    cookie?: string,
  ) {
    this.cookie = cookie;
  }

  get origin(): string {
    return new URL(this.baseURL).origin;
  }

  async send(method: string, path: string, options: SendOptions = {}): Promise<Answer> {
    const unsafe = !["GET", "HEAD"].includes(method);
    const body = options.raw ?? (options.json === undefined ? undefined : JSON.stringify(options.json));
    const headers: Record<string, string | undefined> = {
      ...(unsafe ? { origin: this.origin } : {}),
      ...(unsafe && body !== undefined ? { "content-type": "application/json" } : {}),
      ...(this.cookie && options.withCookie !== false ? { cookie: `${COOKIE_NAME}=${this.cookie}` } : {}),
      ...options.headers,
    };
    const buffer = body === undefined ? undefined : Buffer.isBuffer(body) ? body : Buffer.from(body, "utf8");
    if (buffer) headers["content-length"] = String(buffer.length);
    for (const [name, value] of Object.entries(headers)) if (value === undefined) delete headers[name];
    const response = await rawRequest(`${this.baseURL}${path}`, { method, headers: headers as Record<string, string>, body: buffer });
    const line = sessionSetCookie(response);
    if (line && options.withCookie !== false) {
      const value = line.slice(`${COOKIE_NAME}=`.length).split(";")[0];
      this.cookie = value === "" || /max-age=0(;|$)/i.test(line) ? undefined : value;
    }
    return {
      ...response,
      sessionSetCookie: line,
      json: () => JSON.parse(response.body),
    };
  }

  get(path: string, options?: SendOptions) {
    return this.send("GET", path, options);
  }

  patch(json: unknown, options: SendOptions = {}) {
    return this.send("PATCH", "/api/session", { json, ...options });
  }

  increment(json: unknown, options: SendOptions = {}) {
    return this.send("POST", "/api/session/increment", { json, ...options });
  }

  /** GET /api/session's items (reserved keys included if the server lists them). */
  async items(): Promise<Record<string, unknown>> {
    const response = await this.get("/api/session");
    if (response.status !== 200) throw new Error(`GET /api/session: ${response.status} ${response.body.slice(0, 200)}`);
    return response.json().items as Record<string, unknown>;
  }

  /** Visits /library and returns the count it shows (NaN if none) with the status. */
  async library(): Promise<{ status: number; count: number }> {
    const response = await this.get("/library");
    return { status: response.status, count: visits(response.body) };
  }
}

export async function multipart(fields: Record<string, string>): Promise<{ body: Buffer; contentType: string }> {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.set(name, value);
  const encoded = new Response(form);
  return { body: Buffer.from(await encoded.arrayBuffer()), contentType: encoded.headers.get("content-type")! };
}

/**
 * Posts the login form the way a browser without JavaScript does: the page's
 * hidden action fields plus username and password, to the page's own URL.
 * A success answers 303 to the next page with the signed-in cookie (kept in `client`).
 */
export async function postLogin(client: Client, password: string, options: { username?: string; loginPath?: string; formHtml?: string } = {}): Promise<Answer> {
  const loginPath = options.loginPath ?? "/login";
  const html = options.formHtml ?? (await new Client(client.baseURL).get(loginPath)).body;
  const { body, contentType } = await multipart({ ...Object.fromEntries(hiddenFields(html)), username: options.username ?? USERNAME, password });
  return client.send("POST", loginPath, { raw: body, headers: { "content-type": contentType } });
}

/** Whether /account shows the client signed in as john_doe (and not a redirect to /login). */
export async function signedIn(client: Client): Promise<boolean> {
  const response = await client.get("/account");
  return response.status === 200 && text(response.body).includes(SIGNED_IN);
}

/** Nested arrays `depth` deep: "[[…]]" (`[]` has depth 1), as JSON text. */
export function nestedArrays(depth: number): string {
  return "[".repeat(depth) + "]".repeat(depth);
}

/** The largest `data` column (bytes) of any session row in a server's database file. */
export async function largestRow(dbFile: string): Promise<number> {
  const client = createClient({ url: `file:${dbFile}`, timeout: 5000 });
  try {
    const result = await client.execute("SELECT max(length(CAST(data AS BLOB))) AS n FROM sessions");
    return Number(result.rows[0].n ?? 0);
  } finally {
    client.close();
  }
}

/**
 * Sends a request that declares (or streams) a huge body and resolves with the
 * answer's status as soon as one arrives, and how many body bytes had been
 * written by then. Rejects after `timeoutMs` without an answer.
 */
export function hugeBody(
  url: string,
  headers: Record<string, string>,
  options: { method?: string; declaredLength?: number; streamBytes: number; chunk?: Buffer; timeoutMs: number },
): Promise<{ status: number; written: number; ms: number }> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const chunk = options.chunk ?? Buffer.alloc(64 * 1024, "x");
    let written = 0;
    let settled = false;
    const finish = (error: Error | null, status?: number) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      if (error) reject(error);
      else resolve({ status: status!, written, ms: Date.now() - started });
    };
    const allHeaders: Record<string, string> = { ...headers };
    if (options.declaredLength !== undefined) allHeaders["content-length"] = String(options.declaredLength);
    const req = httpRequest(url, { method: options.method ?? "POST", headers: allHeaders }, (res) => {
      res.resume();
      finish(null, res.statusCode ?? 0);
    });
    const timer = setTimeout(() => finish(new Error(`no answer within ${options.timeoutMs} ms (${written} bytes written)`)), options.timeoutMs);
    req.on("error", (error) => {
      // The server may close the connection after answering: the answer still counts.
      if (!settled) setTimeout(() => finish(new Error(`connection error before an answer: ${error.message}`)), 500);
    });
    const pump = () => {
      while (!settled && written < options.streamBytes) {
        const piece = chunk.subarray(0, Math.min(chunk.length, options.streamBytes - written));
        written += piece.length;
        if (!req.write(piece)) return void req.once("drain", pump);
      }
      // Declared bodies are left unfinished (the server must not wait for the rest); streamed ones end.
      if (!settled && options.declaredLength === undefined) req.end();
    };
    pump();
  });
}
