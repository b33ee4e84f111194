/**
 * A session value as page text. Any client can write any JSON under an
 * ordinary key (the API, the playground), whatever the app's declared type
 * says: a page shows strings as they are and anything else as its JSON.
 */
export function shownText(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  return typeof value === "string" ? value : JSON.stringify(value);
}
