import { count, eq } from "drizzle-orm";
import type { Database } from "./client";
import { authors, bookCopies, books } from "./schema";

export interface CatalogueCounts {
  books: number;
  copies: number;
  copiesAvailable: number;
  authors: number;
}

/** The LocalLibrary home page's record counts, in one batch. */
export async function catalogueCounts(database: Database): Promise<CatalogueCounts> {
  const [[b], [c], [a], [au]] = await database.batch([
    database.select({ n: count() }).from(books),
    database.select({ n: count() }).from(bookCopies),
    database.select({ n: count() }).from(bookCopies).where(eq(bookCopies.status, "a")),
    database.select({ n: count() }).from(authors),
  ]);
  return { books: b.n, copies: c.n, copiesAvailable: a.n, authors: au.n };
}
