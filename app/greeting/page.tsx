import { runRenderWrite } from "@/lib/sessions";
import { storeGreeting } from "../render-writes";
import { shownText } from "../shown";

export default async function GreetingPage() {
  return <h1>Session Value: {shownText(await runRenderWrite(storeGreeting))}</h1>;
}
