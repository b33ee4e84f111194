import { db } from "@/lib/db/client";
import { catalogueCounts } from "@/lib/db/catalogue";
import { getSession, isPrefetch } from "@/lib/session";
import { Catalogue } from "./catalogue";

export default async function LibraryPage() {
  const session = await getSession();
  const [counts, visits] = await Promise.all([
    catalogueCounts(db()),
    // A prefetch is not a visit: show the count without adding to it.
    (await isPrefetch()) ? session.get("num_visits", 0) : session.increment("num_visits"),
  ]);
  return (
    <>
      <Catalogue counts={counts} />
      <p>
        You have visited this page {visits} {visits === 1 ? "time" : "times"}.
      </p>
    </>
  );
}
