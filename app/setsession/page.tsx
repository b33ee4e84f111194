import { getSession } from "@/lib/session";

export default async function SetSessionPage() {
  const session = await getSession();
  await session.update({ sname: "abc", semail: "abc@gmail.com" });
  await session.save();
  return <h1>session is set</h1>;
}
