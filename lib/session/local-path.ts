/** Only used to resolve a path: never contacted, never shown. */
const BASE = "http://local.invalid";
const MAX_PATH_CHARS = 2048;

/**
 * A redirect target from user input, kept on this site: the path resolved
 * against the site's origin, normalised ("/./", "/../" and "\" resolved, non-ASCII
 * percent-encoded), or `fallback` when it would leave the site. Browsers drop
 * tabs and newlines in URLs ("/\t/evil.com" becomes "//evil.com"), so control
 * characters are refused before parsing; a normalised path that starts with
 * "//" or "/\" would be read as another host by a router, so it is refused after.
 */
export function localPath(path: unknown, fallback = "/"): string {
  if (typeof path !== "string" || !path.startsWith("/") || path.length > MAX_PATH_CHARS) return fallback;
  if (/[\u0000-\u001f\u007f]/.test(path)) return fallback;
  let url: URL;
  try {
    url = new URL(path, BASE);
  } catch {
    return fallback;
  }
  if (url.origin !== BASE) return fallback;
  const local = url.pathname + url.search + url.hash;
  return /^\/[/\\]/.test(local) ? fallback : local;
}
