import { createHmac, timingSafeEqual } from "node:crypto";
import { processState } from "./process-state";

/**
 * Values a proxy step hands the render in request headers. The proxy does not
 * run on every request, so a client could send such a header itself: each
 * carries a MAC of its name and value under a secret of this process (the
 * proxy and the render of one request run in one process).
 */
function mac(name: string, body: string): Buffer {
  return createHmac("sha256", processState().forwardingSecret).update(`${name.toLowerCase()}\n${body}`).digest().subarray(0, 16);
}

/** The header value that carries `value` under `name`. */
export function signForwarded(name: string, value: string): string {
  const body = Buffer.from(value).toString("base64url");
  return `${mac(name, body).toString("base64url")}.${body}`;
}

/** The value a header signed by this process's proxy carries; null for anything else. */
export function verifyForwarded(name: string, header: string | null): string | null {
  if (!header) return null;
  const [tag, body, extra] = header.split(".");
  if (!tag || !body || extra !== undefined) return null;
  const given = Buffer.from(tag, "base64url");
  const expected = mac(name, body);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  return Buffer.from(body, "base64url").toString();
}
