/**
 * Whether a request comes from a page of this very origin, as Next checks its
 * server actions: the browser's Sec-Fetch-Site when it sends one, else the
 * Origin against the Host. A request with neither is refused: every browser
 * sends one of them on a POST, PATCH or DELETE, so only a cross-site trick
 * or a non-browser client lacks both (and the latter can send Origin).
 * Same-site is not enough: another port of this host is same-site.
 */
export function isSameOrigin(request: Request): boolean {
  const site = request.headers.get("sec-fetch-site");
  if (site !== null) return site === "same-origin";
  const origin = request.headers.get("origin");
  const first = (name: string) => request.headers.get(name)?.split(",")[0].trim() || undefined;
  const host = first("x-forwarded-host") ?? request.headers.get("host");
  if (!origin || !host) return false;
  // Behind a proxy that terminates TLS, the scheme the browser used is the forwarded one.
  const scheme = first("x-forwarded-proto") ?? new URL(request.url).protocol.slice(0, -1);
  return origin === `${scheme}://${host}`;
}
