import "server-only";
import { headers } from "next/headers";
import { sessions } from "../sessions";

/** The client's address for the per-client throttle and the hashing line (see clientAddressOf): never what the client says, unless a trusted proxy said it. */
export async function clientAddress(): Promise<string> {
  return sessions().clientAddress(await headers()) ?? "unknown";
}
