import { sessionProxy } from "./lib/session/proxy";

export const proxy = sessionProxy;

export const config = {
  // Pages and server actions; not static files, images or the key renewal route.
  matcher: ["/((?!_next/static|_next/image|favicon.ico|session/renew).*)"],
};
