import type { Metadata } from "next";
import Link from "next/link";
import { runRenderWrite } from "@/lib/sessions";
import { Messages } from "../messages";
import { setTutorialValues } from "@/lib/render-writes";

export const metadata: Metadata = { title: "Set session" };

export default async function SetSessionPage() {
  await runRenderWrite(setTutorialValues);
  return (
    <>
      <h1>Set session</h1>
      <Messages />
      <p className="output">session is set</p>
      <p>
        This visit stored two values in your session: <code>sname</code> = <code>abc</code> and <code>semail</code> ={" "}
        <code>abc@gmail.com</code>. <Link href="/getsession" prefetch={false}>Read them back on Get session</Link>.
      </p>
    </>
  );
}
