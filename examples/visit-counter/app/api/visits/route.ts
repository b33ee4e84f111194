import { sessions } from "@/lib/sessions";

/** The session as JSON: what the page counted and the note. */
export async function GET(request: Request) {
  return sessions().withSession(async (session) => Response.json({ visits: await session.get("visits", 0), note: await session.get("note", null) }))(request);
}

/** The body as text, or null past `limit` bytes: a larger one is never held in memory whole. */
async function boundedText(request: Request, limit: number): Promise<string | null> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of request.body ?? []) {
    size += chunk.byteLength;
    if (size > limit) return null;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}

const parse = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
};

/** Sets the note from a JSON body `{ "note": "…" }` (at most 1 KB: 413 past it); anything else is a 400 that changes nothing. */
export async function POST(request: Request) {
  return sessions().withSession(async (session, req: Request) => {
    const text = await boundedText(req, 1024);
    if (text === null) return Response.json({ error: "the body is over 1 KB" }, { status: 413 });
    const body = parse(text);
    const note = typeof body === "object" && body !== null && "note" in body ? body.note : undefined;
    if (typeof note !== "string" || note.length > 200) return Response.json({ error: "send { note: string } (at most 200 characters)" }, { status: 400 });
    await session.set("note", note);
    return Response.json({ note });
  })(request);
}
