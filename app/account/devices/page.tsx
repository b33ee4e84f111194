import { requireUser } from "@/lib/auth/current-user";
import { describeUserAgent } from "@/lib/auth/user-agent";
import { SessionEngineUnsupportedError, type UserSessionInfo } from "@/lib/session";
import { getSession } from "@/lib/sessions";
import { signOutDeviceAction, signOutOtherDevicesAction } from "../actions";
import { DEVICES_PATH } from "../paths";

// UTC so the text does not depend on the server's time zone.
const TIME = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });

function Time({ date }: { date: Date }) {
  return <time dateTime={date.toISOString()}>{`${TIME.format(date)} UTC`}</time>;
}

function endedMessage(ended: string | string[] | undefined): string | null {
  const n = typeof ended === "string" && /^\d+$/.test(ended) ? Number(ended) : null;
  if (n === null) return null;
  return `Signed out ${n} other ${n === 1 ? "device" : "devices"}.`;
}

export default async function DevicesPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requireUser(DEVICES_PATH);
  let devices: UserSessionInfo[];
  try {
    devices = await (await getSession()).userSessions(user.id);
  } catch (error) {
    if (!(error instanceof SessionEngineUnsupportedError)) throw error;
    return (
      <>
        <h1>Your devices</h1>
        <p>This session engine keeps sessions in the cookie only, so there is no list of devices to show or end.</p>
      </>
    );
  }
  const message = endedMessage((await searchParams).ended);
  return (
    <>
      <h1>Your devices</h1>
      <p>Where {user.username} is signed in.</p>
      {message && <p aria-live="polite">{message}</p>}
      <table>
        <thead>
          <tr>
            <th>Browser</th>
            <th>Created</th>
            <th>Last seen</th>
            <th>Sign out</th>
          </tr>
        </thead>
        <tbody>
          {devices.map((device) => (
            <tr key={device.id}>
              <td>{describeUserAgent(device.userAgent)}</td>
              <td>
                <Time date={device.createdAt} />
              </td>
              <td>
                <Time date={device.lastSeenAt} />
              </td>
              <td>
                {device.current ? (
                  <strong>This device</strong>
                ) : (
                  <form action={signOutDeviceAction}>
                    <input type="hidden" name="device" value={device.id} />
                    <button type="submit" aria-label={`Sign out ${describeUserAgent(device.userAgent)}, last seen ${TIME.format(device.lastSeenAt)} UTC`}>
                      Sign out
                    </button>
                  </form>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {devices.some((device) => !device.current) ? (
        <form action={signOutOtherDevicesAction}>
          <button type="submit">Sign out other devices</button>
        </form>
      ) : (
        <p>No other device is signed in.</p>
      )}
    </>
  );
}
