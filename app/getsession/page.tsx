import { notFound } from "next/navigation";
import { getSession } from "@/lib/session";

export default async function GetSessionPage() {
  const session = await getSession();
  const [name, email] = [await session.get("sname"), await session.get("semail")];
  if (name === undefined || email === undefined) notFound();
  return (
    <h1>
      {name} {email}
    </h1>
  );
}
