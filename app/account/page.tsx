import Link from "next/link";
import { requireUser } from "@/lib/auth/current-user";
import { signOutAction } from "./actions";
import { DEVICES_PATH } from "./paths";

export default async function AccountPage() {
  const user = await requireUser();
  return (
    <>
      <h1>Account</h1>
      <p>{`Signed in as ${user.username} (user ${user.id})`}</p>
      <p>
        <Link href={DEVICES_PATH}>Your devices</Link>
      </p>
      <form action={signOutAction}>
        <button type="submit">Sign out</button>
      </form>
    </>
  );
}
