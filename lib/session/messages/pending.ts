import { SessionBudgetError, SessionTooLargeError, SessionValueError } from "../errors";
import type { Session } from "../session";
import type { JsonValue } from "../types";

/**
 * Django's messages framework on the session, through its public API only: one-time notes ("Build saved.")
 * added by an action and shown once by the next page.
 *
 * A session has MAX_PENDING_MESSAGES message slots, each a reserved key. A
 * counter, incremented atomically by the store, numbers the messages: the
 * n-th goes in slot n mod MAX_PENDING_MESSAGES. Concurrent actions get
 * different numbers, so they write different slots and both messages survive
 * (stores write per key), and however many run at once there are never more
 * slots than the cap: a newer message takes the oldest's slot. Taking them
 * deletes exactly the slots read, so a message added meanwhile waits for the
 * next page instead of being lost.
 */

/** Django's levels, lowest first. */
export const MESSAGE_LEVELS = ["debug", "info", "success", "warning", "error"] as const;
export type MessageLevel = (typeof MESSAGE_LEVELS)[number];

export interface Message {
  level: MessageLevel;
  text: string;
}

/** Reserved: no client-facing surface writes it. The slots are this and a digit. */
export const MESSAGE_KEY_PREFIX = "_messages.";
/** Reserved: how many messages this session was given since its messages were last taken. */
export const MESSAGE_COUNTER_KEY = "_messages_added";
/** Messages are one line each; a longer one is a programming error, refused. */
export const MAX_MESSAGE_LENGTH = 500;
/** Pending messages kept at most, under any concurrency: a newer one takes the oldest's slot. */
export const MAX_PENDING_MESSAGES = 10;

/** The slot of the n-th message. */
function slotKey(n: number): string {
  return `${MESSAGE_KEY_PREFIX}${n % MAX_PENDING_MESSAGES}`;
}

/** A message as stored: its number and time order the slots. */
interface StoredMessage {
  level: MessageLevel;
  text: string;
  n: number;
  at: number;
}

/** Oldest first: by time, then by number (the counter starts again after the messages are taken). */
function order(value: JsonValue): [number, number] {
  const { at, n } = (typeof value === "object" && value !== null && !Array.isArray(value) ? value : {}) as Partial<Record<string, JsonValue>>;
  return [typeof at === "number" ? at : 0, typeof n === "number" ? n : 0];
}

function levelRank(level: MessageLevel): number {
  return MESSAGE_LEVELS.indexOf(level);
}

export function isMessageLevel(value: unknown): value is MessageLevel {
  return typeof value === "string" && (MESSAGE_LEVELS as readonly string[]).includes(value);
}

/** A stored message, or null when the value is not one (the framework wrote it, but storage is not trusted blindly). */
export function asMessage(value: JsonValue | undefined): Message | null {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return null;
  const { level, text } = value;
  return isMessageLevel(level) && typeof text === "string" ? { level, text } : null;
}

export interface AddMessageOptions {
  /** Messages below this level are not recorded (Django's MESSAGE_LEVEL; default "info", so debug is dropped). */
  minimumLevel?: MessageLevel;
}

/**
 * Adds a message for the next page this visitor sees; returns whether it was
 * recorded. The caller saves the session, as after any change. A message
 * that does not fit the session (SESSION_MAX_BYTES, the cookie engine's
 * 4 KB) is dropped and false returned: a note about what happened never
 * turns what happened into a failure.
 */
export async function addMessage(session: Session, level: MessageLevel, text: string, options: AddMessageOptions = {}): Promise<boolean> {
  if (!isMessageLevel(level)) throw new SessionValueError(`Message level must be one of ${MESSAGE_LEVELS.join(", ")}`);
  if (typeof text !== "string" || text.length === 0) throw new SessionValueError("A message needs some text");
  if (text.length > MAX_MESSAGE_LENGTH) throw new SessionValueError(`A message is at most ${MAX_MESSAGE_LENGTH} characters (this one has ${text.length})`);
  if (/\p{Surrogate}/u.test(text)) throw new SessionValueError("A message must be well-formed Unicode (no lone surrogate)"); // before the counter moves
  if (levelRank(level) < levelRank(options.minimumLevel ?? "info")) return false;
  // The counter's growth must not take the room the request's own change needs: check both first.
  const entry = { level, text, n: Number.MAX_SAFE_INTEGER, at: Date.now() } satisfies StoredMessage;
  if (!(await session.fits({ [MESSAGE_COUNTER_KEY]: Number.MAX_SAFE_INTEGER, [slotKey(MAX_PENDING_MESSAGES - 1)]: entry }))) return false;
  try {
    const n = await session.incrementReserved(MESSAGE_COUNTER_KEY);
    await session.setReserved(slotKey(n), { level, text, n, at: Date.now() } satisfies StoredMessage);
  } catch (error) {
    // A message that cannot be stored (no room, or a visitor over the anonymous budget) is dropped, never an error page.
    if (error instanceof SessionTooLargeError || error instanceof SessionBudgetError) return false;
    throw error;
  }
  return true;
}

/** The pending messages, oldest first, removed from the session (the caller saves it): each is shown once. */
export async function takeMessages(session: Session): Promise<Message[]> {
  const pending = (await session.reservedItems(MESSAGE_KEY_PREFIX)).sort(([, a], [, b]) => {
    const [atA, nA] = order(a);
    const [atB, nB] = order(b);
    return atA - atB || nA - nB;
  });
  const messages: Message[] = [];
  for (const [key, value] of pending) {
    await session.deleteReserved(key);
    const message = asMessage(value);
    if (message) messages.push(message);
  }
  await session.deleteReserved(MESSAGE_COUNTER_KEY); // nothing waits: a session that held only messages is empty again
  return messages;
}
