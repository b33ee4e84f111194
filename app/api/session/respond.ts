import { SessionTooLargeError, type Session } from "@/lib/session";
import { sessions } from "@/lib/sessions";

/** The session as JSON, for the route handlers under /api/session (reserved keys are never listed). */
export async function sessionJson(session: Session): Promise<Response> {
  return Response.json({
    items: Object.fromEntries(await session.items()),
    expiryAge: session.getExpiryAge(),
    expireAtBrowserClose: session.getExpireAtBrowserClose(),
  });
}

/** A refusal of the request itself, with its status (400, 413, 415). */
export class BadRequest extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Bad input is the client's fault (4xx) and changes nothing; anything else is ours. */
export function badRequest(error: unknown): Response {
  if (error instanceof BadRequest) return Response.json({ error: error.message }, { status: error.status });
  if (error instanceof SessionTooLargeError) return Response.json({ error: error.message }, { status: 413 });
  if (error instanceof TypeError || error instanceof SyntaxError) return Response.json({ error: error.message }, { status: 400 });
  throw error;
}

/** Room for a body carrying a value up to SESSION_MAX_BYTES (JSON escaping can double it). */
function bodyLimit(): number {
  return 2 * sessions().settings.maxBytes + 65_536;
}

/**
 * Past the limit, up to this many times it, the rest of a body is read and
 * dropped before answering 413: a client still sending would otherwise get
 * its connection reset instead of the answer. Beyond that it is cut off.
 */
const DRAINED_MULTIPLE = 4;

/** The body's bytes, refused (413) past `limit` without keeping more than `limit` of it. */
async function boundedBody(request: Request, limit: number): Promise<Uint8Array> {
  const declared = Number(request.headers.get("content-length"));
  const tooLarge = () => new BadRequest(413, `Request body too large: more than ${limit} bytes`);
  if (declared > DRAINED_MULTIPLE * limit) throw tooLarge();
  if (!request.body) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = request.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > DRAINED_MULTIPLE * limit) {
      await reader.cancel();
      throw tooLarge();
    }
    if (size <= limit) chunks.push(value);
  }
  if (size > limit) throw tooLarge();
  return Buffer.concat(chunks);
}

/**
 * The request's JSON object. Only `application/json`: a form or text/plain
 * body is what a cross-site page can send without asking (no CORS preflight).
 */
export async function jsonBody(request: Request): Promise<Record<string, unknown>> {
  const type = request.headers.get("content-type")?.split(";")[0].trim().toLowerCase();
  if (type !== "application/json") throw new BadRequest(415, "The body must be JSON, sent as Content-Type: application/json");
  const bytes = await boundedBody(request, bodyLimit());
  let body: unknown;
  try {
    body = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch {
    throw new BadRequest(400, "The body is not valid JSON (UTF-8)");
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw new BadRequest(400, "The body must be a JSON object");
  return body as Record<string, unknown>;
}
