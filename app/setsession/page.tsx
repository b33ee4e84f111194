import { runRenderWrite } from "@/lib/sessions";
import { setTutorialValues } from "../render-writes";

export default async function SetSessionPage() {
  await runRenderWrite(setTutorialValues);
  return <h1>session is set</h1>;
}
