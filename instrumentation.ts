/** Runs once when a server process starts (Node runtime only). */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME === "nodejs") await import("./lib/server-start");
}
