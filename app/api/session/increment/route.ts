import { withSession } from "@/lib/sessions";
import { BadRequest, badRequest, jsonBody } from "../respond";

/** `{ "key": "n", "by": 1 }`: one atomic increment by a whole number; answers the new value. */
export const POST = withSession(async (session, request: Request) => {
  try {
    const { key, by = 1 } = await jsonBody(request);
    if (typeof key !== "string") throw new BadRequest(400, '"key" must be a string');
    return Response.json({ value: await session.increment(key, by as number) });
  } catch (error) {
    return badRequest(error);
  }
});
