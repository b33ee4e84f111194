import type { Metadata } from "next";
import { db } from "@/lib/db/client";
import { catalogueCounts } from "@/lib/db/catalogue";
import { pageStorage, runRenderWrite } from "@/lib/sessions";
import { Messages } from "../messages";
import { countVisit } from "@/lib/render-writes";
import { Catalogue } from "./catalogue";
import { Visits } from "./visits";

export const metadata: Metadata = { title: "Local Library" };

export default async function LibraryPage() {
  const [counts, visits] = await Promise.all([pageStorage(catalogueCounts(db())), runRenderWrite(countVisit)]);
  return (
    <>
      <Messages />
      <Catalogue counts={counts} />
      <Visits count={visits} />
    </>
  );
}
