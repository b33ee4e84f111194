import type { NextConfig } from "next";

/**
 * Every response: never framed (clickjacking), never content-sniffed, and a
 * policy the pages pass. Next's own inline scripts (the flight payload) need
 * 'unsafe-inline': a nonce would need the proxy on every request, which the
 * app skips for speed. form-action 'self' also bars a form post (or its
 * redirect) from leaving the site.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'unsafe-inline'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

const SECURITY_HEADERS = [
  { key: "Content-Security-Policy", value: CONTENT_SECURITY_POLICY },
  { key: "X-Frame-Options", value: "DENY" },
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "Referrer-Policy", value: "same-origin" },
];

const nextConfig: NextConfig = {
  poweredByHeader: false,
  // No gzip in the app, as in Django's default stack: the pages reflect what a visitor typed beside
  // session data (BREACH), and compressing each private page cost 16% more CPU per request
  // (docs/DESIGN.md). A reverse proxy in front compresses the static assets.
  compress: false,
  headers: async () => [{ source: "/:path*", headers: SECURITY_HEADERS }],
  // libSQL's native driver must be loaded by Node, not bundled.
  serverExternalPackages: ["@libsql/client", "libsql"],
  // Tests build into their own folder so a running dev server is not disturbed.
  distDir: process.env.NEXT_DIST_DIR || ".next",
  experimental: {
    serverActions: {
      // Room for a form carrying a value up to SESSION_MAX_BYTES (JSON escaping can double it).
      bodySizeLimit: Math.max(1_048_576, 2 * Number(process.env.SESSION_MAX_BYTES || 0) + 65_536),
      // Behind a reverse proxy whose Host differs from the browser's origin, list the public origins here.
      allowedOrigins: process.env.SERVER_ACTIONS_ALLOWED_ORIGINS?.split(",").map((o) => o.trim()).filter(Boolean),
    },
  },
};

export default nextConfig;
