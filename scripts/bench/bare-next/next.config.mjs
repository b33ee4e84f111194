// A Next.js app with nothing of ours in it, for `npm run bench`: the floor of a Next 16 server's
// CPU per request and memory. Like the app it sends no gzip and no X-Powered-By (not its security
// headers: those are ours); built by scripts/bench/servers.ts into its own folder.
const config = {
  poweredByHeader: false,
  compress: false,
  distDir: process.env.NEXT_DIST_DIR || ".next",
};

export default config;
