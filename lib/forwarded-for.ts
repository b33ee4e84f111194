/**
 * The request header that carries the TCP peer's address to the app. It is
 * written on every request from the socket itself, over anything a client
 * sent under that name (`lib/socket-address.ts`), so no client can choose it.
 */
export const SOCKET_ADDRESS_HEADER = "x-session-socket-address";

/**
 * The client's address, in the manner of Werkzeug's ProxyFix (`x_for`):
 * with no trusted proxy (SESSION_TRUSTED_PROXIES=0, the default) the TCP
 * peer's address, whatever X-Forwarded-For says (a client reaching Next
 * directly writes that header itself, and Next keeps it: base-server.js sets
 * it from the socket only when absent, `??=`). Behind `trustedProxies`
 * proxies that each append what they saw, the client is the entry that many
 * places from the right; a header with fewer entries did not come through
 * them all, and the peer's address stands. Undefined when the peer is unknown
 * (a request that arrived before the server recorded addresses).
 */
export function clientAddressOf(requestHeaders: Headers, trustedProxies: number): string | undefined {
  const peer = requestHeaders.get(SOCKET_ADDRESS_HEADER)?.trim() || undefined;
  if (trustedProxies <= 0) return peer;
  const entries = (requestHeaders.get("x-forwarded-for") ?? "").split(",").map((entry) => entry.trim());
  if (entries.length < trustedProxies) return peer;
  return withoutPort(entries[entries.length - trustedProxies]) || peer;
}

/** "203.0.113.7:1234" → "203.0.113.7", "[2001:db8::1]:443" → "2001:db8::1": some proxies append the port. */
function withoutPort(entry: string): string {
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(entry);
  if (bracketed) return bracketed[1];
  return /^[\d.]+:\d+$/.test(entry) ? entry.slice(0, entry.indexOf(":")) : entry;
}
