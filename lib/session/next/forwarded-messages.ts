import { createHmac, timingSafeEqual } from "node:crypto";
import { asMessage, type Message } from "../messages";
import { processState } from "../process-state";

/**
 * The messages the proxy took from the session, handed to the render in a
 * request header. The proxy does not run on every request, so a client could
 * send the header itself: it carries a MAC under a secret of this process
 * (the proxy and the render of one request run in one process).
 */
export const MESSAGES_HEADER = "x-session-messages";

function mac(body: string): Buffer {
  return createHmac("sha256", processState().forwardingSecret).update(body).digest().subarray(0, 16);
}

export function encodeMessages(messages: readonly Message[]): string {
  const body = Buffer.from(JSON.stringify(messages)).toString("base64url");
  return `${mac(body).toString("base64url")}.${body}`;
}

/** The messages in a header the proxy wrote; none for anything else. */
export function decodeMessages(header: string | null): Message[] {
  if (!header) return [];
  const [tag, body, extra] = header.split(".");
  if (!tag || !body || extra !== undefined) return [];
  const given = Buffer.from(tag, "base64url");
  const expected = mac(body);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return [];
  try {
    const parsed: unknown = JSON.parse(Buffer.from(body, "base64url").toString());
    return Array.isArray(parsed) ? parsed.map(asMessage).filter((m): m is Message => m !== null) : [];
  } catch {
    return [];
  }
}
