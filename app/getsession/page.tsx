import { notFound } from "next/navigation";
import { getSession } from "@/lib/sessions";
import { shownText } from "../shown";

export default async function GetSessionPage() {
  const session = await getSession();
  const [name, email] = [shownText(await session.get("sname")), shownText(await session.get("semail"))];
  if (name === undefined || email === undefined) notFound();
  return (
    <h1>
      {name} {email}
    </h1>
  );
}
