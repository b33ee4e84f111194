import { ServerResponse } from "node:http";

/**
 * Session pages must say `Vary: Cookie`. The proxy adds it, but Next 16's page
 * runtime then replaces the whole Vary header (app-page-runtime calls
 * `res.setHeader("Vary", …)` after the proxy ran), and a page cannot set
 * headers. So, once per process: when a response the proxy marked private
 * writes its headers, Cookie is appended to its Vary.
 */
export function keepVaryCookieOnPrivateResponses(): void {
  const writeHead = ServerResponse.prototype.writeHead;
  if ((writeHead as { varyCookie?: boolean }).varyCookie) return;
  const patched = function (this: ServerResponse, ...args: Parameters<typeof writeHead>) {
    const cacheControl = String(this.getHeader("cache-control") ?? "");
    const vary = String(this.getHeader("vary") ?? "");
    if (cacheControl.includes("private") && !/\bcookie\b/i.test(vary) && !this.headersSent) {
      this.setHeader("Vary", vary ? `${vary}, Cookie` : "Cookie");
    }
    return writeHead.apply(this, args);
  } as typeof writeHead;
  (patched as { varyCookie?: boolean }).varyCookie = true;
  ServerResponse.prototype.writeHead = patched;
}
