import { Suspense } from "react";
import type { RenderWrite } from "next-django-sessions";
import { sessions } from "@/lib/sessions";
import { saveNote, signOut } from "./actions";

/** The page's visit counter: written while the page renders (the proxy issued the key before). */
const countVisit: RenderWrite<number> = {
  path: "/",
  write: (session) => session.increment("visits"),
  read: (session) => session.get("visits", 0) as Promise<number>,
};

async function Visits() {
  const visits = await sessions().runRenderWrite(countVisit);
  const note = await (await sessions().getSession()).get("note");
  return (
    <>
      <p>
        Visits: <output data-testid="visits">{visits}</output>
      </p>
      <p>
        Note: <output data-testid="note">{typeof note === "string" ? note : ""}</output>
      </p>
    </>
  );
}

export default function Home() {
  return (
    <main>
      <h1>Visit counter</h1>
      <Suspense fallback={<p>Loading…</p>}>
        <Visits />
      </Suspense>
      <form action={saveNote}>
        <label>
          Note <input name="note" maxLength={200} />
        </label>
        <button type="submit">Save note</button>
      </form>
      <form action={signOut}>
        <button type="submit">Sign out</button>
      </form>
    </main>
  );
}
