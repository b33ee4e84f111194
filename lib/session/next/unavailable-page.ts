const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** 503 with a clear page; the browser may retry after a moment. */
export function storageUnavailableResponse(retryPath = "/"): Response {
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Session storage is unavailable</title></head>
<body><h1>Session storage is unavailable</h1><p>The session database cannot be reached right now. Nothing was changed.</p>
<p><a href="${escapeHtml(retryPath)}">Try again</a></p></body></html>`;
  return new Response(html, {
    status: 503,
    headers: { "Content-Type": "text/html; charset=utf-8", "Retry-After": "2", "Cache-Control": "no-store" },
  });
}
