import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  cacheComponents: true,
  partialPrefetching: true,
  // This app lives inside another project's folder: its own root, not the one whose lockfile Next finds above it.
  turbopack: { root: import.meta.dirname },
};

export default nextConfig;
