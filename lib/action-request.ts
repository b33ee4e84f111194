/**
 * Server-action requests Next cannot decode answer 500 with a stack trace in
 * the log (a JSON `null`, a malformed or deeply nested reply, a body past the
 * action body limit), before any action or its guard (app/form-action.ts)
 * runs. Every action of this app takes its form's FormData, which browsers
 * send as multipart/form-data, so anything else is refused here with a 4xx
 * and nothing logged.
 */

/** Next's default `serverActions.bodySizeLimit` (1 MB). */
const ACTION_BODY_LIMIT = 1024 * 1024;
/** Far deeper than any form's reply (an argument list holding a FormData reference and a state object). */
const MAX_REPLY_DEPTH = 16;

function refuse(status: number, message: string): Response {
  return new Response(message, { status, headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" } });
}

/** Whether `text` is a JSON array of arguments no deeper than MAX_REPLY_DEPTH (checked before JSON.parse recurses). */
function wellFormedReply(text: string): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === "[" || c === "{") {
      if (++depth > MAX_REPLY_DEPTH) return false;
    } else if (c === "]" || c === "}") depth--;
  }
  try {
    return Array.isArray(JSON.parse(text));
  } catch {
    return false;
  }
}

/** A 4xx for a server-action request Next could not decode, else null (the request goes on). */
export async function refusedActionRequest(request: Request): Promise<Response | null> {
  if (request.method !== "POST" || !request.headers.has("next-action")) return null;
  if (!(request.headers.get("content-type") ?? "").toLowerCase().startsWith("multipart/form-data")) {
    return refuse(415, "A server action of this site takes its form, sent as multipart/form-data.");
  }
  const length = Number(request.headers.get("content-length") ?? NaN);
  if (!Number.isSafeInteger(length)) return refuse(411, "A server action's request needs a Content-Length.");
  if (length > ACTION_BODY_LIMIT) return refuse(413, "The form is too large.");
  let reply: FormDataEntryValue | null;
  try {
    reply = (await request.clone().formData()).get("0");
  } catch {
    return refuse(400, "The form could not be read.");
  }
  if (typeof reply !== "string" || !wellFormedReply(reply)) return refuse(400, "The form's arguments could not be read.");
  return null;
}
