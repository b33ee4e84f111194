import type { Metadata } from "next";
import { requireUser } from "@/lib/auth/current-user";
import { Messages } from "../../messages";
import { PASSWORD_PATH } from "../paths";
import { PasswordForm } from "./password-form";

export const metadata: Metadata = { title: "Change password" };

export default async function PasswordPage() {
  const user = await requireUser(PASSWORD_PATH);
  return (
    <>
      <h1>Change password</h1>
      <Messages />
      <p>{`Signed in as ${user.username}. Changing the password signs out every other device.`}</p>
      <PasswordForm />
    </>
  );
}
