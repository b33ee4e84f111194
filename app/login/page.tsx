import type { Metadata } from "next";
import { Messages } from "../messages";
import { LoginForm } from "./login-form";

export const metadata: Metadata = { title: "Sign in" };

export default async function LoginPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { next } = await searchParams;
  return (
    <>
      <h1>Sign in</h1>
      <Messages />
      {/* Checked again on submit: only a local path is ever followed. */}
      <LoginForm next={typeof next === "string" ? next : null} />
    </>
  );
}
