// Reading the app's server HTML the way a browser without JavaScript would.

/** A page's HTML with React's `<!-- -->` text separators removed, so sentences match whole. */
export function pageText(body: string): string {
  return body.replaceAll("<!-- -->", "");
}

function decodeEntities(text: string): string {
  return text
    .replaceAll("&quot;", '"')
    .replaceAll("&#x27;", "'")
    .replaceAll("&#39;", "'")
    .replaceAll("&lt;", "<")
    .replaceAll("&gt;", ">")
    .replaceAll("&amp;", "&");
}

/** The hidden inputs (Next's `$ACTION_…` fields, `next`) of the page's `index`-th form, which must be a server action's. */
export function hiddenFields(html: string, index = 0): [string, string][] {
  const form = html.match(/<form[\s\S]*?<\/form>/g)?.[index];
  if (!form) throw new Error(`no form #${index} in:\n${html.slice(0, 500)}`);
  const fields: [string, string][] = [];
  for (const input of form.match(/<input[^>]*type="hidden"[^>]*>/g) ?? []) {
    const name = input.match(/\bname="([^"]*)"/)?.[1];
    if (name) fields.push([decodeEntities(name), decodeEntities(input.match(/\bvalue="([^"]*)"/)?.[1] ?? "")]);
  }
  if (!fields.some(([name]) => name.startsWith("$ACTION_"))) throw new Error(`form #${index} is not a server action form`);
  return fields;
}
