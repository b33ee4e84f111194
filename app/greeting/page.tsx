import { runRenderWrite } from "@/lib/session";
import { storeGreeting } from "../render-writes";

export default async function GreetingPage() {
  return <h1>Session Value: {await runRenderWrite(storeGreeting)}</h1>;
}
