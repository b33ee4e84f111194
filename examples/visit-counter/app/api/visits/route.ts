import { sessions } from "@/lib/sessions";

/** The session as JSON: what the page counted and the note. */
export async function GET(request: Request) {
  return sessions().withSession(async (session) => Response.json({ visits: await session.get("visits", 0), note: await session.get("note", null) }))(request);
}

/** Sets the note from a JSON body `{ "note": "…" }`; anything else is a 400 that changes nothing. */
export async function POST(request: Request) {
  return sessions().withSession(async (session, req: Request) => {
    const body: unknown = await req.json().catch(() => null);
    const note = typeof body === "object" && body !== null && "note" in body ? body.note : undefined;
    if (typeof note !== "string" || note.length > 200) return Response.json({ error: "send { note: string } (at most 200 characters)" }, { status: 400 });
    await session.set("note", note);
    return Response.json({ note });
  })(request);
}
