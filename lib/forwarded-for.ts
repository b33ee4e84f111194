/**
 * The client's address: the last X-Forwarded-For entry. Next never appends:
 * it sets the header to the socket address only when absent (base-server.js
 * `??=`), so the last entry is an appending proxy's view or the socket's, yet
 * a client reaching Next directly can write it (see README, Security).
 */
export function lastForwardedFor(requestHeaders: Headers): string | undefined {
  return (requestHeaders.get("x-forwarded-for") ?? "").split(",").at(-1)?.trim() || undefined;
}
