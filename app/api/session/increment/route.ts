import { withSession } from "@/lib/session";
import { badRequest, jsonBody } from "../respond";

/** `{ "key": "n", "by": 1 }`: one atomic increment; answers the new value. */
export const POST = withSession(async (session, request: Request) => {
  try {
    const { key, by = 1 } = await jsonBody(request);
    if (typeof key !== "string") throw new TypeError('"key" must be a string');
    if (typeof by !== "number") throw new TypeError('"by" must be a number');
    return Response.json({ value: await session.increment(key, by) });
  } catch (error) {
    return badRequest(error);
  }
});
