import type { Metadata } from "next";
import Link from "next/link";
import { requireUser } from "@/lib/auth/current-user";
import { Messages } from "../messages";
import { signOutAction } from "./actions";
import { DEVICES_PATH, PASSWORD_PATH } from "./paths";

export const metadata: Metadata = { title: "Account" };

export default async function AccountPage() {
  const user = await requireUser();
  return (
    <>
      <h1>Account</h1>
      <Messages />
      <p>{`Signed in as ${user.username} (user ${user.id})`}</p>
      <p>
        <Link href={DEVICES_PATH} prefetch={false}>
          Your devices
        </Link>{" "}
        ·{" "}
        <Link href={PASSWORD_PATH} prefetch={false}>
          Change password
        </Link>
      </p>
      <form action={signOutAction}>
        <button type="submit">Sign out</button>
      </form>
    </>
  );
}
