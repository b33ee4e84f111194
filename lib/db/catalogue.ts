import type { Database } from "./client";
import { preparedRead } from "./prepared-read";

export interface CatalogueCounts {
  books: number;
  copies: number;
  copiesAvailable: number;
  authors: number;
}

/** The four counts in one statement: one round through SQLite instead of a batch of four. */
const countsRead = preparedRead<{ books: number; copies: number; copies_available: number; authors: number }>(
  `SELECT
    (SELECT count(*) FROM books) AS books,
    (SELECT count(*) FROM book_copies) AS copies,
    (SELECT count(*) FROM book_copies WHERE status = 'a') AS copies_available,
    (SELECT count(*) FROM authors) AS authors`,
);

/** The LocalLibrary home page's record counts. */
export async function catalogueCounts(database: Database): Promise<CatalogueCounts> {
  const row = await countsRead(database);
  return { books: Number(row.books), copies: Number(row.copies), copiesAvailable: Number(row.copies_available), authors: Number(row.authors) };
}
