import "server-only";
import { headers } from "next/headers";
import { lastForwardedFor } from "../forwarded-for";

/** The client's address for the per-client throttle (see lastForwardedFor). */
export async function clientAddress(): Promise<string> {
  return lastForwardedFor(await headers()) ?? "unknown";
}
