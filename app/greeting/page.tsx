import { getSession } from "@/lib/session";

export default async function GreetingPage() {
  const session = await getSession();
  await session.set("greeting", "Hello, Django Sessions!");
  await session.save();
  return <h1>Session Value: {await session.get("greeting")}</h1>;
}
