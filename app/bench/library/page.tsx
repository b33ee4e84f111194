import { connection } from "next/server";
import { db } from "@/lib/db/client";
import { catalogueCounts } from "@/lib/db/catalogue";
import { Catalogue } from "../../library/catalogue";
import { Visits } from "../../library/visits";

/**
 * The benchmark's control: /library's markup and catalogue query without the
 * session (the proxy skips this path too), so `npm run bench` can show what
 * the session adds to a request.
 */
export default async function LibraryControlPage() {
  await connection(); // rendered per request, as /library is: never prerendered at build time
  const counts = await catalogueCounts(db());
  return (
    <>
      <Catalogue counts={counts} />
      <Visits count={1} />
    </>
  );
}
