import { withSession, type JsonValue } from "@/lib/session";
import { badRequest, jsonBody, sessionJson } from "./respond";

/** The session's items as JSON. */
export const GET = withSession(async (session) => sessionJson(session));

/** `{ "set": { key: value }, "delete": [key] }`: changes those keys only. */
export const PATCH = withSession(async (session, request: Request) => {
  try {
    const body = await jsonBody(request);
    const set = (body.set ?? {}) as Record<string, JsonValue>;
    const removed = body.delete ?? [];
    if (typeof set !== "object" || set === null || Array.isArray(set)) throw new TypeError('"set" must be an object');
    if (!Array.isArray(removed)) throw new TypeError('"delete" must be an array of keys');
    await session.update(set);
    for (const key of removed) await session.delete(String(key));
  } catch (error) {
    return badRequest(error);
  }
  return sessionJson(session);
});

/** Sign out: Django's flush. */
export const DELETE = withSession(async (session) => {
  await session.flush();
  return new Response(null, { status: 204 });
});
