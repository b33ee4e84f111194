import { SessionTooLargeError, type Session } from "@/lib/session";

/** The session as JSON, for the route handlers under /api/session. */
export async function sessionJson(session: Session): Promise<Response> {
  return Response.json({
    items: Object.fromEntries(await session.items()),
    expiryAge: session.getExpiryAge(),
    expireAtBrowserClose: session.getExpireAtBrowserClose(),
  });
}

/** Bad input is the client's fault (4xx) and changes nothing; anything else is ours. */
export function badRequest(error: unknown): Response {
  if (error instanceof SessionTooLargeError) return Response.json({ error: error.message }, { status: 413 });
  if (error instanceof TypeError || error instanceof SyntaxError) return Response.json({ error: error.message }, { status: 400 });
  throw error;
}

export async function jsonBody(request: Request): Promise<Record<string, unknown>> {
  const body: unknown = await request.json();
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw new TypeError("The body must be a JSON object");
  return body as Record<string, unknown>;
}
