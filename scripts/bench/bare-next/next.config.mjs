// A Next.js app with nothing of ours in it, for `npm run bench`: the floor of a Next 16 server's
// CPU per request and memory. Configured as the app is where it changes a response (no gzip, no
// X-Powered-By); built by scripts/bench/servers.ts into its own folder.
const config = {
  poweredByHeader: false,
  compress: false,
  distDir: process.env.NEXT_DIST_DIR || ".next",
};

export default config;
