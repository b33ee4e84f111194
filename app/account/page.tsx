import Link from "next/link";
import { requireUser } from "@/lib/auth/current-user";
import { signOutAction } from "./actions";
import { DEVICES_PATH, PASSWORD_PATH } from "./paths";

export default async function AccountPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requireUser();
  const passwordChanged = (await searchParams).password === "changed";
  return (
    <>
      <h1>Account</h1>
      {passwordChanged && <p aria-live="polite">Your password was changed. Every other device was signed out.</p>}
      <p>{`Signed in as ${user.username} (user ${user.id})`}</p>
      <p>
        <Link href={DEVICES_PATH}>Your devices</Link> · <Link href={PASSWORD_PATH}>Change password</Link>
      </p>
      <form action={signOutAction}>
        <button type="submit">Sign out</button>
      </form>
    </>
  );
}
