import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  poweredByHeader: false,
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
