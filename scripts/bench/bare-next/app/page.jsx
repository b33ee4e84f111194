import { connection } from "next/server";

const ITEMS = Array.from({ length: 40 }, (_, i) => `Item ${i + 1}`);

/** The page /bench/bare serves in our app, in an app with nothing else: no session, database, proxy or instrumentation. */
export default async function BarePage() {
  await connection(); // rendered per request, never prerendered at build time
  return (
    <>
      <h1>A bare page</h1>
      <ul>
        {ITEMS.map((item) => (
          <li key={item}>{item}</li>
        ))}
      </ul>
    </>
  );
}
