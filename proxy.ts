import type { NextRequest } from "next/server";
import { renderWrites } from "./app/render-writes";
import { sessionProxy } from "./lib/session/proxy";

export function proxy(request: NextRequest) {
  return sessionProxy(request, renderWrites);
}

export const config = {
  matcher: [
    {
      // Pages and server actions; not static files, images, or the session's own routes.
      source: "/((?!_next/static|_next/image|favicon.ico|session/).*)",
      // Prefetches are not visits: they get no key and run no render-time write.
      missing: [
        { type: "header", key: "next-router-prefetch" },
        { type: "header", key: "sec-purpose", value: ".*prefetch.*" },
        { type: "header", key: "purpose", value: ".*prefetch.*" },
      ],
    },
  ],
};
