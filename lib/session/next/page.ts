import { cookies, headers } from "next/headers";
import { redirect } from "next/navigation";
import { guardStorage } from "../availability";
import { cookieAttributes } from "../key-cookie";
import { SessionBudgetError, SessionInterruptedError, SessionKeyRequiredError, SessionStoreUnavailableError } from "../errors";
import type { RenderWrite } from "../render-write";
import type { Session } from "../session";
import type { SessionSettings } from "../settings";
import { verifyForwarded } from "../forwarded";
import { RENEW_PATH } from "./paths";
import { isPrefetchRequest } from "./request-headers";
import { canSetCookies, redirectToUnavailable } from "./request-session";

/** Link prefetches render pages too; they must not count as visits. */
export async function isPrefetch(): Promise<boolean> {
  return isPrefetchRequest(await headers());
}

/** Any storage call a page makes (the session's, or its own queries): a failure answers 503. */
export async function pageStorage<T>(call: Promise<T>): Promise<T> {
  try {
    return await guardStorage(call, "page storage");
  } catch (error) {
    if (error instanceof SessionStoreUnavailableError) redirectToUnavailable(await headers());
    throw error;
  }
}

/**
 * Runs a page's render-time write where it persists (see RenderWrite) and
 * returns what the page shows. A prefetch only reads: it is not a visit.
 */
export async function runRenderWrite<T>(session: Session, declared: RenderWrite<T>, writesDuringRender: boolean): Promise<T> {
  if ((await isPrefetch()) || !writesDuringRender) return declared.read(session);
  try {
    const result = await declared.write(session);
    await session.save();
    return result;
  } catch (error) {
    // No usable key (a tampered cookie, or one signed out elsewhere), and a render cannot set
    // one: fetch a fresh key and render this page again. Nothing was written.
    if (error instanceof SessionKeyRequiredError || error instanceof SessionInterruptedError) {
      redirect(`${RENEW_PATH}?next=${encodeURIComponent(declared.path)}`);
    }
    // Over the client's budget, or a full store: the page renders, the write is just not kept.
    if (error instanceof SessionBudgetError) return declared.read(session);
    throw error;
  }
}

/** A value a proxy step forwarded to this render (ProxyContext.forward), or null: nothing else can pass for one. */
export async function forwarded(name: string): Promise<string | null> {
  return verifyForwarded(name, (await headers()).get(name));
}

/** Cookies of the app's own beside the session's, set from a server action or route handler with the session cookie's attributes. */
export interface ActionCookies {
  set(name: string, value: string, maxAgeSeconds: number | null): void;
}

/** The request's cookie jar, to set cookies in; throws while a server component renders (it cannot set any). */
export async function actionCookies(settings: SessionSettings): Promise<ActionCookies> {
  const jar = await cookies();
  if (!canSetCookies(jar)) throw new Error("A server component cannot set cookies: do this in a server action or route handler");
  return { set: (name, value, maxAge) => void jar.set(name, value, cookieAttributes(settings, maxAge)) };
}
