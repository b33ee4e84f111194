/**
 * A redirect target from user input, kept on this site: "/" unless it is a
 * plain local path. Browsers drop tabs and newlines in URLs ("/\t/evil.com"
 * becomes "//evil.com"), so control characters are refused too.
 */
export function localPath(path: string | null | undefined): string {
  if (!path || !path.startsWith("/") || /[\u0000-\u001f\u007f\\]/.test(path)) return "/";
  return path.startsWith("//") ? "/" : path;
}
