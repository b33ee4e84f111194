import type { JsonValue } from "@/lib/session";
import { withSession } from "@/lib/sessions";
import { BadRequest, badRequest, jsonBody, sessionJson } from "./respond";

/** The session's items as JSON. */
export const GET = withSession(async (session) => sessionJson(session));

/** `{ "set": { key: value }, "delete": [key] }`: changes those keys only, all or none. */
export const PATCH = withSession(async (session, request: Request) => {
  try {
    const body = await jsonBody(request);
    const set = body.set ?? {};
    const removed = body.delete ?? [];
    if (typeof set !== "object" || set === null || Array.isArray(set)) throw new BadRequest(400, '"set" must be an object');
    if (!Array.isArray(removed) || !removed.every((key) => typeof key === "string")) {
      throw new BadRequest(400, '"delete" must be an array of keys (strings)');
    }
    await session.update(set as Record<string, JsonValue>);
    for (const key of removed) await session.delete(key);
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
