import { connection } from "next/server";

const ITEMS = Array.from({ length: 40 }, (_, i) => `Item ${i + 1}`);

/**
 * The benchmark's floor: a page of 40 list items with no session and no
 * database, rendered per request like /library, so `npm run bench` can show
 * what Next itself costs for a page of this layout.
 */
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
