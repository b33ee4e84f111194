import type { Metadata } from "next";
import { sessions } from "@/lib/sessions";
import { PlaygroundForms } from "./forms";
import { LiveView } from "./live-view";

export const metadata: Metadata = { title: "Playground · Django-grade sessions for Next.js" };

export default function PlaygroundPage() {
  return (
    <>
      <h1>Session playground</h1>
      <p>
        Every method of the session API, one button each: see what it returns and what the session holds afterwards.
      </p>
      <PlaygroundForms maxBytes={sessions().settings.maxBytes} />
      <LiveView />
    </>
  );
}
