import type { SessionTransport } from "../session";
import type { CookieCodec } from "../types";
import { clientOf, type ClientAddressReader } from "./client-identity";

/** Where the session cookie a request's session sends ends up: Next's cookie jar, or the proxy's response. */
export interface KeyCookieSink {
  set(sealedValue: string, maxAgeSeconds: number | null): void;
  delete(): void;
}

/** What one request says about its session cookie, read by the page glue or by the proxy. */
export interface TransportRequest {
  incomingKey: string | null;
  hadCookie: boolean;
  headers: Headers;
  codec: CookieCodec;
  /** False while a server component renders: the response can carry no cookie. */
  writable: boolean;
  /** The proxy issued the key for this very request (it cannot have data yet). */
  keyIsNew?: boolean;
  sink: KeyCookieSink;
}

/** The one place a request's SessionTransport is built, for pages, actions, route handlers and the proxy alike. */
export function requestTransport(request: TransportRequest, clientAddress?: ClientAddressReader): SessionTransport {
  const { headers, codec, sink } = request;
  return {
    incomingKey: request.incomingKey,
    hadCookie: request.hadCookie,
    keyIsNew: request.keyIsNew ?? false,
    writable: request.writable,
    userAgent: headers.get("user-agent")?.slice(0, 512) ?? undefined,
    ...clientOf(clientAddress, headers),
    sendKey: async (key, maxAge) => sink.set(await codec.write(key), maxAge),
    deleteCookie: async () => sink.delete(),
  };
}
