import { ACCOUNT_PATH, LOGIN_PATH } from "@/lib/auth/current-user";
import { localPath } from "@/lib/session";
import { addMessage, withSession } from "@/lib/sessions";

/**
 * Where a page that needs a signed-in user sends a visitor who is not (Django's
 * redirect_to_login): a page cannot set the cookie a message needs, a route
 * handler can. Then on to /login, which comes back to `next` after sign-in.
 */
export const GET = withSession(async (session, request) => {
  const next = localPath(new URL(request.url).searchParams.get("next"), ACCOUNT_PATH);
  await addMessage(session, "info", "Please sign in to see your account.");
  // After sign-in /login goes to /account anyway: keep that URL plain.
  const login = next === ACCOUNT_PATH ? LOGIN_PATH : `${LOGIN_PATH}?next=${encodeURIComponent(next)}`;
  return new Response(null, { status: 303, headers: { Location: login } });
});
