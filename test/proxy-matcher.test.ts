// proxy.ts's matcher must be literals (Next reads it at build time): this checks it whole against
// what it is made from, so a new render-time write, page or cookie name cannot drift from it.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { renderWrites, requiredData } from "../lib/render-writes";
import { MESSAGES_COOKIE } from "../lib/session/messages";
import { CHECKED_COOKIE, CHECKED_VALUE, RENEW_PATH, UNAVAILABLE_PATH } from "../lib/session/testing";
import { config } from "../proxy";

/** Link prefetches are not visits: no rule runs the proxy for one. */
const NOT_A_PREFETCH = [
  { type: "header", key: "next-router-prefetch" },
  { type: "header", key: "sec-purpose", value: ".*prefetch.*" },
  { type: "header", key: "purpose", value: ".*prefetch.*" },
];

/** Folders the first rule skips: static files, the session's own routes, the bench's control page, route handlers. */
function sessionRoutesFolder(): string {
  const folders = new Set([RENEW_PATH, UNAVAILABLE_PATH].map((path) => path.split("/")[1]));
  assert.equal(folders.size, 1, "the session's routes share one folder");
  return `${[...folders][0]}/`;
}

describe("proxy matcher", () => {
  it("is exactly what the declarations make it", () => {
    const pages = `/((?!_next/static|_next/image|favicon.ico|${sessionRoutesFolder()}|bench/|api/).*)`;
    const expected = [
      { source: pages, missing: [...NOT_A_PREFETCH, { type: "cookie", key: CHECKED_COOKIE }] },
      {
        source: `/(${renderWrites.map((w) => w.path.slice(1)).join("|")})`,
        has: [{ type: "cookie", key: CHECKED_COOKIE, value: CHECKED_VALUE.writesInProxy }],
        missing: NOT_A_PREFETCH,
      },
      { source: pages, has: [{ type: "cookie", key: MESSAGES_COOKIE }], missing: NOT_A_PREFETCH },
      { source: "/((?!_next/static|_next/image|favicon.ico|api/).*)", has: [{ type: "header", key: "next-action" }] },
      ...requiredData.map((r) => ({ source: r.path, missing: NOT_A_PREFETCH })),
    ];
    assert.deepEqual(config.matcher, expected);
  });
});
