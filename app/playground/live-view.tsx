import type { JsonValue } from "@/lib/session";
import { getSession, sessions } from "@/lib/sessions";
import { describe } from "./shared";
import { ValueText } from "./value-text";

const KEY_PREFIX_CHARS = 6;
const UNITS: [string, number][] = [
  ["day", 86_400],
  ["hour", 3_600],
  ["minute", 60],
];

function roughly(seconds: number): string {
  const unit = UNITS.find(([, size]) => seconds >= size);
  if (!unit) return "";
  const n = Math.floor(seconds / unit[1]);
  return ` (about ${n} ${unit[0]}${n === 1 ? "" : "s"})`;
}

/** The session's items: key, value as text, type. */
function ItemsTable({ items }: { items: [string, JsonValue][] }) {
  return (
    <table className="items">
      <caption>Items</caption>
      <thead>
        <tr>
          <th scope="col">Key</th>
          <th scope="col">Value</th>
          <th scope="col">Type</th>
        </tr>
      </thead>
      <tbody>
        {items.length === 0 ? (
          <tr>
            <td colSpan={3}>No items: the session is empty.</td>
          </tr>
        ) : (
          items.map(([name, value]) => (
            <tr key={name}>
              <td>
                <code>{name}</code>
              </td>
              <td>
                <ValueText shown={describe(value)} />
              </td>
              <td>{describe(value).type}</td>
            </tr>
          ))
        )}
      </tbody>
    </table>
  );
}

/** The session as this request sees it: items, key prefix, expiry and size. */
export async function LiveView() {
  const session = await getSession();
  const items = await session.items();
  const bytes = await session.byteSize();
  const { maxBytes } = sessions().settings;
  const key = session.sessionKey;
  const expires = session.getExpiryDate();
  const age = session.getExpiryAge();
  return (
    <section aria-labelledby="live-heading" className="live">
      <h2 id="live-heading">The session now</h2>
      <ItemsTable items={items} />
      <dl className="facts">
        <dt>Session key</dt>
        <dd>
          {key ? (
            <>
              <code>{key.slice(0, KEY_PREFIX_CHARS)}</code>… (the first {KEY_PREFIX_CHARS} characters only)
            </>
          ) : (
            "none yet: the next request gets one"
          )}
        </dd>
        <dt>Expires</dt>
        <dd>
          <time dateTime={expires.toISOString()}>{expires.toUTCString()}</time>
        </dd>
        <dt>Expiry age</dt>
        <dd>
          {age} seconds{roughly(age)}
        </dd>
        <dt>Expires at browser close</dt>
        <dd>{session.getExpireAtBrowserClose() ? "yes" : "no"}</dd>
        <dt>Payload size</dt>
        <dd>
          <meter min={0} max={maxBytes} value={bytes} aria-label="Payload size" />
          {bytes} of {maxBytes} bytes (SESSION_MAX_BYTES)
        </dd>
      </dl>
    </section>
  );
}
