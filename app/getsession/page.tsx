import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { getSession } from "@/lib/sessions";
import { Messages } from "../messages";
import { shownText } from "../shown";

export const metadata: Metadata = { title: "Get session" };

export default async function GetSessionPage() {
  const session = await getSession();
  const [name, email] = [shownText(await session.get("sname")), shownText(await session.get("semail"))];
  if (name === undefined || email === undefined) notFound();
  return (
    <>
      <h1>Get session</h1>
      <Messages />
      <p className="output">
        {name} {email}
      </p>
      <dl className="facts">
        <dt>
          Name (<code>sname</code>)
        </dt>
        <dd>{name}</dd>
        <dt>
          Email (<code>semail</code>)
        </dt>
        <dd>{email}</dd>
      </dl>
    </>
  );
}
