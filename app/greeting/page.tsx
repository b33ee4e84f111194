import type { Metadata } from "next";
import { runRenderWrite } from "@/lib/sessions";
import { Messages } from "../messages";
import { storeGreeting } from "@/lib/render-writes";
import { shownText } from "../shown";

export const metadata: Metadata = { title: "Greeting" };

export default async function GreetingPage() {
  const greeting = shownText(await runRenderWrite(storeGreeting));
  return (
    <>
      <h1>Greeting</h1>
      <Messages />
      <p className="output">Session Value: {greeting}</p>
      <p>
        This visit stored <code>greeting</code> in your session and read it back.
      </p>
    </>
  );
}
