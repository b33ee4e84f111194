import { sql } from "drizzle-orm";
import { hashPassword } from "../auth/password";
import type { Database } from "./client";
import { authors, bookCopies, books, users } from "./schema";

const AUTHORS = [
  { id: 1, firstName: "Patrick", familyName: "Rothfuss" },
  { id: 2, firstName: "Ben", familyName: "Bova" },
  { id: 3, firstName: "Isaac", familyName: "Asimov" },
  { id: 4, firstName: "Bob", familyName: "Billings" },
  { id: 5, firstName: "Jim", familyName: "Grant" },
];

const BOOKS = [
  { id: 1, title: "The Name of the Wind", authorId: 1 },
  { id: 2, title: "The Wise Man's Fear", authorId: 1 },
  { id: 3, title: "The Slow Regard of Silent Things", authorId: 1 },
  { id: 4, title: "Apes and Angels", authorId: 2 },
  { id: 5, title: "Death Wave", authorId: 2 },
  { id: 6, title: "Foundation", authorId: 3 },
  { id: 7, title: "Test Book 1", authorId: 4 },
];

// Status per copy: a = available, o = on loan, m = maintenance, r = reserved.
const COPY_STATUSES = "aaoamarooaaoma".split("") as ("a" | "o" | "m" | "r")[];

export const DEMO_USER = { id: 123, username: "john_doe", password: "django-sessions" } as const;

/** Seeds the demo catalogue and user; rows already there are left alone. */
export async function seedDemoData(database: Database): Promise<void> {
  await database.insert(authors).values(AUTHORS).onConflictDoNothing();
  await database.insert(books).values(BOOKS).onConflictDoNothing();
  await database
    .insert(bookCopies)
    .values(COPY_STATUSES.map((status, i) => ({ id: i + 1, bookId: (i % BOOKS.length) + 1, status })))
    .onConflictDoNothing();
  const [existing] = await database.select({ n: sql<number>`count(*)` }).from(users).where(sql`${users.id} = ${DEMO_USER.id}`);
  if (!existing?.n) {
    const passwordHash = await hashPassword(DEMO_USER.password);
    await database.insert(users).values({ id: DEMO_USER.id, username: DEMO_USER.username, passwordHash }).onConflictDoNothing();
  }
}
