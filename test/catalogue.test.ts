// /library's counts: one prepared statement on a local file, the client elsewhere; both agree with
// the tables, and a change to the catalogue shows on the next read (nothing is cached).
import assert from "node:assert/strict";
import { count, eq } from "drizzle-orm";
import { describe, it } from "node:test";
import { catalogueCounts } from "../lib/db/catalogue";
import type { Database } from "../lib/db/client";
import { authors, bookCopies, books } from "../lib/db/schema";
import { inMemoryDatabase, tempDatabase } from "./harness";

async function counted(db: Database) {
  const n = async (query: Promise<{ n: number }[]>) => (await query)[0].n;
  return {
    books: await n(db.select({ n: count() }).from(books)),
    copies: await n(db.select({ n: count() }).from(bookCopies)),
    copiesAvailable: await n(db.select({ n: count() }).from(bookCopies).where(eq(bookCopies.status, "a"))),
    authors: await n(db.select({ n: count() }).from(authors)),
  };
}

for (const [name, open] of [
  ["a local file (prepared once)", tempDatabase],
  ["through the client (a libSQL server's path)", inMemoryDatabase],
] as const) {
  describe(`catalogue counts: ${name}`, () => {
    it("match the tables, and follow a change at once", async () => {
      const { db } = await open();
      const before = await catalogueCounts(db);
      assert.deepEqual(before, await counted(db));
      assert.ok(before.copiesAvailable > 0 && before.books > 0, "the seed");
      await db.update(bookCopies).set({ status: "o" }).where(eq(bookCopies.status, "a"));
      assert.deepEqual(await catalogueCounts(db), { ...before, copiesAvailable: 0 });
    });
  });
}
