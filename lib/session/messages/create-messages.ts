import type { Session } from "../session";
import type { SessionSettings } from "../settings";
import { addMessage, type Message, type MessageLevel } from "./pending";
import { MESSAGES_COOKIE, MESSAGES_HEADER, parseForwardedMessages, takeMessagesForPage } from "./proxy-step";

/** What the messages need of the built sessions (createSessions' result has it). */
export interface MessagesHost {
  settings: SessionSettings;
  isPrefetch(): Promise<boolean>;
  forwarded(name: string): Promise<string | null>;
  actionCookies(): Promise<{ set(name: string, value: string, maxAgeSeconds: number | null): void }>;
}

export interface MessagesOptions {
  /** Messages below this level are not recorded (Django's MESSAGE_LEVEL); default "info". */
  minimumLevel?: MessageLevel;
}

/**
 * Django's contrib.messages beside the sessions: `host` returns the built
 * sessions (a function, so the messages' `proxyStep` can go into the
 * config they are built from). Put `proxyStep` in `proxySteps`.
 */
export function createMessages(host: () => MessagesHost, options: MessagesOptions = {}) {
  return {
    /**
     * Adds a one-time message for the next page this visitor loads (Django's
     * `messages.add_message`), in a server action or route handler; save the
     * session as after any change. Returns whether it was recorded.
     */
    async add(session: Session, level: MessageLevel, text: string): Promise<boolean> {
      const cookies = await host().actionCookies(); // throws in a render, before anything is added
      const recorded = await addMessage(session, level, text, { minimumLevel: options.minimumLevel });
      // The cookie makes the proxy run on that page, take the messages and hand them to pageMessages().
      if (recorded) cookies.set(MESSAGES_COOKIE, "1", host().settings.cookieAge);
      return recorded;
    },
    /** The messages this page shows, each once (the proxy step took them from the session); none on a prefetch. */
    async pageMessages(): Promise<Message[]> {
      if (await host().isPrefetch()) return [];
      return parseForwardedMessages(await host().forwarded(MESSAGES_HEADER));
    },
    proxyStep: takeMessagesForPage,
  };
}
