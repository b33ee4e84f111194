import { isUnavailability } from "../availability";
import { SessionBudgetError } from "../errors";
import type { ProxyStepContext } from "../next/proxy-context";
import { asMessage, takeMessages, type Message } from "./pending";

/**
 * Set while messages wait in the session (by `add` in an action or route
 * handler): the app's proxy matcher runs the proxy for any page then, and
 * the proxy step takes them and deletes this cookie.
 */
export const MESSAGES_COOKIE = "session_messages";

/** The request header that hands the messages the proxy took to the render (signed: ProxyStepContext.forward). */
export const MESSAGES_HEADER = "x-session-messages";

/**
 * The messages' proxy step: with messages pending, takes them from the
 * session and hands them to the render, so each shows once on any engine.
 */
export async function takeMessagesForPage(ctx: ProxyStepContext): Promise<Response | void> {
  if (!ctx.isPageLoad || ctx.request.method !== "GET" || !ctx.request.cookies.has(MESSAGES_COOKIE)) return;
  if (ctx.sessionWritesLost) return ctx.browserLoadsItself();
  let messages: Message[];
  try {
    messages = await takeMessages(ctx.session());
    await ctx.session().save();
  } catch (error) {
    if (!isUnavailability(error) && !(error instanceof SessionBudgetError)) throw error;
    return; // kept for the next page; this one loads the session itself and answers 503
  }
  if (messages.length > 0) ctx.forward(MESSAGES_HEADER, JSON.stringify(messages));
  ctx.responseCookie(MESSAGES_COOKIE, null);
}

/** The messages in a value the proxy step forwarded; none for anything else. */
export function parseForwardedMessages(value: string | null): Message[] {
  if (!value) return [];
  try {
    const parsed: unknown = JSON.parse(value);
    return Array.isArray(parsed) ? parsed.map(asMessage).filter((m): m is Message => m !== null) : [];
  } catch {
    return [];
  }
}
