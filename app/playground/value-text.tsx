import type { Shown } from "./shared";

/** A session value as text (React escapes it: markup shows as markup, never runs). */
export function ValueText({ shown }: { shown: Shown }) {
  return shown.text === "" ? <em className="empty">empty string</em> : <code className="value">{shown.text}</code>;
}
