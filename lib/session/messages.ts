import { randomBytes } from "node:crypto";
import { SessionValueError } from "./errors";
import type { Session } from "./session";
import type { JsonValue } from "./types";

/**
 * Django's messages framework on the session: one-time notes ("Build saved.")
 * added by an action and shown once by the next page. Each message is its own
 * reserved key, so two concurrent actions add two keys and both survive
 * (stores write per key); taking them deletes exactly the keys read, so a
 * message added meanwhile waits for the next page instead of being lost.
 */

/** Django's levels, lowest first. */
export const MESSAGE_LEVELS = ["debug", "info", "success", "warning", "error"] as const;
export type MessageLevel = (typeof MESSAGE_LEVELS)[number];

export interface Message {
  level: MessageLevel;
  text: string;
}

/** Reserved: no client-facing surface writes it. */
export const MESSAGE_KEY_PREFIX = "_messages.";
/** Messages are one line each; a longer one is a programming error, refused. */
export const MAX_MESSAGE_LENGTH = 500;
/** Pending messages kept at most: a newer one pushes out the oldest. */
export const MAX_PENDING_MESSAGES = 10;

let sequence = 0;

/** Keys sort in the order messages were added: time, then a per-process counter, then randomness against other processes. */
function messageKey(): string {
  sequence = (sequence + 1) % 1e6;
  return `${MESSAGE_KEY_PREFIX}${Date.now().toString(36).padStart(9, "0")}${sequence.toString(36).padStart(4, "0")}.${randomBytes(4).toString("hex")}`;
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
 * recorded. The caller saves the session, as after any change.
 */
export async function addMessage(session: Session, level: MessageLevel, text: string, options: AddMessageOptions = {}): Promise<boolean> {
  if (!isMessageLevel(level)) throw new SessionValueError(`Message level must be one of ${MESSAGE_LEVELS.join(", ")}`);
  if (typeof text !== "string" || text.length === 0) throw new SessionValueError("A message needs some text");
  if (text.length > MAX_MESSAGE_LENGTH) throw new SessionValueError(`A message is at most ${MAX_MESSAGE_LENGTH} characters (this one has ${text.length})`);
  if (levelRank(level) < levelRank(options.minimumLevel ?? "info")) return false;
  const pending = await session.reservedItems(MESSAGE_KEY_PREFIX);
  for (const [key] of pending.slice(0, Math.max(0, pending.length - MAX_PENDING_MESSAGES + 1))) await session.deleteReserved(key);
  await session.setReserved(messageKey(), { level, text });
  return true;
}

/** The pending messages, oldest first, removed from the session (the caller saves it): each is shown once. */
export async function takeMessages(session: Session): Promise<Message[]> {
  const pending = await session.reservedItems(MESSAGE_KEY_PREFIX);
  const messages: Message[] = [];
  for (const [key, value] of pending) {
    await session.deleteReserved(key);
    const message = asMessage(value);
    if (message) messages.push(message);
  }
  return messages;
}
