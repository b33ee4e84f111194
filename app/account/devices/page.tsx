import type { Metadata } from "next";
import { requireUser } from "@/lib/auth/current-user";
import { describeUserAgent } from "@/lib/auth/user-agent";
import { SessionEngineUnsupportedError, type UserSessionInfo } from "@/lib/session";
import { getSession } from "@/lib/sessions";
import { Messages } from "../../messages";
import { signOutDeviceAction, signOutEverywhereAction, signOutOtherDevicesAction } from "../actions";
import { DEVICES_PATH } from "../paths";
import { exactTime, When } from "./when";

export const metadata: Metadata = { title: "Your devices" };

function SignOutEverywhere() {
  return (
    <form action={signOutEverywhereAction}>
      <button type="submit" className="danger">
        Sign out everywhere
      </button>
    </form>
  );
}

function DeviceRow({ device }: { device: UserSessionInfo }) {
  return (
    <tr className={device.current ? "current" : undefined}>
      <th scope="row">{describeUserAgent(device.userAgent)}</th>
      <td data-label="Network">{device.network ?? "unknown"}</td>
      <td data-label="Created">
        <When date={device.createdAt} />
      </td>
      <td data-label="Last seen">
        <When date={device.lastSeenAt} />
      </td>
      <td>
        {device.current ? (
          <strong>This device</strong>
        ) : (
          <form action={signOutDeviceAction}>
            <input type="hidden" name="device" value={device.id} />
            <button type="submit" aria-label={`Sign out ${describeUserAgent(device.userAgent)}, last seen ${exactTime(device.lastSeenAt)}`}>
              Sign out
            </button>
          </form>
        )}
      </td>
    </tr>
  );
}

export default async function DevicesPage() {
  const user = await requireUser(DEVICES_PATH);
  let devices: UserSessionInfo[];
  try {
    devices = await (await getSession()).userSessions(user.id);
  } catch (error) {
    if (!(error instanceof SessionEngineUnsupportedError)) throw error;
    return (
      <>
        <h1>Your devices</h1>
        <Messages />
        <p>This session engine keeps sessions in the cookie only, so there is no list of devices to show or end.</p>
      </>
    );
  }
  // This device first, then the most recently seen.
  const rows = [...devices].sort((a, b) => Number(b.current) - Number(a.current));
  const others = rows.filter((device) => !device.current).length;
  return (
    <>
      <h1>Your devices</h1>
      <Messages />
      <p>Where {user.username} is signed in. The network is your address cut to its first three parts: enough to tell home from elsewhere, never the full address.</p>
      <table className="devices">
        <thead>
          <tr>
            <th scope="col">Browser</th>
            <th scope="col">Network</th>
            <th scope="col">Created</th>
            <th scope="col">Last seen</th>
            <th scope="col">Sign out</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((device) => (
            <DeviceRow key={device.id} device={device} />
          ))}
        </tbody>
      </table>
      <div className="actions">
        {others > 0 ? (
          <form action={signOutOtherDevicesAction}>
            <button type="submit">Sign out other devices</button>
          </form>
        ) : (
          <p>No other device is signed in.</p>
        )}
        <SignOutEverywhere />
      </div>
    </>
  );
}
