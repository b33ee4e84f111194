import type { Metadata } from "next";
import { sessions } from "@/lib/sessions";
import { PlaygroundForms } from "./forms";
import { Messages } from "../messages";
import { LiveView } from "./live-view";

export const metadata: Metadata = { title: "Playground" };

export default function PlaygroundPage() {
  return (
    <>
      <h1>Session playground</h1>
      <Messages />
      <p>
        Every method of the session API, one button each: see what it returns and what the session holds afterwards.
      </p>
      <PlaygroundForms maxBytes={sessions().settings.maxBytes} />
      <LiveView />
    </>
  );
}
