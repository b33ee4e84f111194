import type { NextRequest } from "next/server";
import { Session, type SessionOptions } from "../session";
import type { SessionSettings } from "../settings";
import type { CookieContents, CookieCodec, SessionStore } from "../types";
import type { ClientAddressReader } from "./client-identity";
import { ACTION_REDIRECT_HEADER, isPrefetchRequest } from "./request-headers";
import { requestTransport } from "./transport";

/** What a proxy step sees of the request it runs for (SessionsConfig.proxySteps plug in here). */
export interface ProxyStepContext {
  readonly request: NextRequest;
  /** The request's pathname. */
  readonly path: string;
  /**
   * GET or HEAD, not a prefetch. Only page loads get a key or a refresh: a POST (a server action,
   * perhaps a cross-site one) must not replace the cookie, and a prefetch (the app's matcher may let
   * one through) is not a visit: it writes nothing and takes no messages.
   */
  readonly isPageLoad: boolean;
  readonly settings: SessionSettings;
  /**
   * Next renders the page a server action redirected to through a request of
   * its own and drops every cookie that render's proxy sets: where the session
   * lives in the cookie, a write made here would be lost.
   */
  readonly sessionWritesLost: boolean;
  /** The request's session, opened on first use: one object for every step, so each sees what the one before wrote. */
  session(): Session;
  /** Hands `value` to the render, signed under this process's secret: the page reads it with `forwarded(name)`. */
  forward(name: string, value: string): void;
  /** Sets (or, with null, deletes) a cookie of the app's own on the response, with the session cookie's attributes. */
  responseCookie(name: string, value: string | null, maxAgeSeconds?: number | null): void;
  /** The answer when a write here would be lost (sessionWritesLost): no page, the browser loads it itself. */
  browserLoadsItself(): Response;
}

/** One step of the proxy: a Response ends the request there; nothing goes on to the next step. */
export type ProxyStep = (ctx: ProxyStepContext) => Promise<Response | void> | Response | void;

export type OutgoingCookie = { value: string; maxAge: number | null } | { deleted: true };

/** What the proxy's own steps share of one request, besides what any step sees. */
export class ProxyContext implements ProxyStepContext {
  readonly path: string;
  readonly isPageLoad: boolean;
  /** The session cookie for the browser and the render, when a step changed it. */
  outgoing?: OutgoingCookie;
  /** A key the proxy issued for this request (its mark is forwarded: the page skips loading it). */
  issuedKey?: string;
  /** A step already wrote through the session and sent its cookie: the key steps leave it alone. */
  sessionWritten = false;
  /** A requiredData page whose keys are missing: rewritten to the not-found page. */
  missingData = false;
  forwards?: [string, string][];
  cookies?: [string, string | null, number | null][];
  readonly codec: CookieCodec;
  private opened?: Session;

  constructor(
    readonly request: NextRequest,
    readonly settings: SessionSettings,
    readonly writesDuringRender: boolean,
    readonly incoming: CookieContents | null,
    private readonly storage: { store: SessionStore; codec: CookieCodec; options: SessionOptions; clientAddress?: ClientAddressReader },
  ) {
    this.path = request.nextUrl.pathname;
    this.isPageLoad = (request.method === "GET" || request.method === "HEAD") && !isPrefetchRequest(request.headers);
    this.codec = storage.codec;
  }

  get sessionWritesLost(): boolean {
    return !this.writesDuringRender && this.request.headers.has(ACTION_REDIRECT_HEADER);
  }

  session(): Session {
    if (this.opened) return this.opened;
    const { store, codec, options, clientAddress } = this.storage;
    const sink = { set: (value: string, maxAge: number | null) => void (this.outgoing = { value, maxAge }), delete: () => void (this.outgoing = { deleted: true }) };
    const hadCookie = this.request.cookies.has(this.settings.cookieName);
    const transport = requestTransport({ incomingKey: this.incoming?.key ?? null, hadCookie, headers: this.request.headers, codec, writable: true, sink }, clientAddress);
    return (this.opened = new Session(store, options, transport));
  }

  forward(name: string, value: string): void {
    (this.forwards ??= []).push([name, value]);
  }

  responseCookie(name: string, value: string | null, maxAgeSeconds: number | null = this.settings.cookieAge): void {
    (this.cookies ??= []).push([name, value, maxAgeSeconds]);
  }

  browserLoadsItself(): Response {
    return new Response(null, { status: 204, headers: { "Cache-Control": "no-store" } });
  }
}
