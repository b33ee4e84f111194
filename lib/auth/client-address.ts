import "server-only";
import { headers } from "next/headers";

/**
 * The client's address for the per-client throttle. Next never appends: it
 * sets X-Forwarded-For to the socket address only when absent (base-server.js
 * `??=`), so the last entry is an appending proxy's view or the socket's, yet
 * a client reaching Next directly can write it (see README, Security).
 */
export async function clientAddress(): Promise<string> {
  const forwarded = (await headers()).get("x-forwarded-for") ?? "";
  return forwarded.split(",").at(-1)?.trim() || "unknown";
}
