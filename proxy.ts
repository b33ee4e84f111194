import type { NextRequest } from "next/server";
import { refusedActionRequest } from "./lib/action-request";
import { sessions } from "./lib/sessions";

export async function proxy(request: NextRequest) {
  return (await refusedActionRequest(request)) ?? sessions().proxy(request);
}

// Next reads the matcher at build time and accepts only literals (no variables, no spreads),
// so the render-write paths of lib/render-writes.ts are repeated here and the prefetch
// conditions twice; test/proxy-matcher.test.ts keeps them in step.
// Prefetches are not visits: they get no key and run no render-time write.
export const config = {
  matcher: [
    {
      // Pages and server actions of a browser the proxy has not checked lately (no
      // `session_checked` cookie): not static files, the session's own routes or the
      // benchmark's session-free control page.
      // Route handlers under api/ need no proxy (they set their own cookies), and running it
      // would make Next buffer their bodies for it, before the handler can refuse one as too large.
      source: "/((?!_next/static|_next/image|favicon.ico|session/|bench/|api/).*)",
      missing: [
        { type: "header", key: "next-router-prefetch" },
        { type: "header", key: "sec-purpose", value: ".*prefetch.*" },
        { type: "header", key: "purpose", value: ".*prefetch.*" },
        { type: "cookie", key: "session_checked" },
      ],
    },
    {
      // The cookie engine's render-time writes run in the proxy, on every visit.
      source: "/(library|setsession|greeting)",
      has: [{ type: "cookie", key: "session_checked", value: "cookie" }],
      missing: [
        { type: "header", key: "next-router-prefetch" },
        { type: "header", key: "sec-purpose", value: ".*prefetch.*" },
        { type: "header", key: "purpose", value: ".*prefetch.*" },
      ],
    },
    {
      // Messages wait in the session (an action set `session_messages`): the proxy takes them for this page.
      source: "/((?!_next/static|_next/image|favicon.ico|session/|bench/|api/).*)",
      has: [{ type: "cookie", key: "session_messages" }],
      missing: [
        { type: "header", key: "next-router-prefetch" },
        { type: "header", key: "sec-purpose", value: ".*prefetch.*" },
        { type: "header", key: "purpose", value: ".*prefetch.*" },
      ],
    },
    {
      // Every server-action request: one Next cannot decode is refused with a 4xx (lib/action-request.ts).
      source: "/((?!_next/static|_next/image|favicon.ico|api/).*)",
      has: [{ type: "header", key: "next-action" }],
    },
    {
      // Pages that answer 404 without some session data: checked in the proxy on every visit.
      source: "/getsession",
      missing: [
        { type: "header", key: "next-router-prefetch" },
        { type: "header", key: "sec-purpose", value: ".*prefetch.*" },
        { type: "header", key: "purpose", value: ".*prefetch.*" },
      ],
    },
  ],
};
