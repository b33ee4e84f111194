// The app's own tables. The sessions table belongs to the session store (lib/session/stores/libsql-schema.ts);
// drizzle.config.ts reads both files, so one migration folder covers them.
import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

export const users = sqliteTable("users", {
  id: integer("id").primaryKey(),
  username: text("username").notNull().unique(),
  passwordHash: text("password_hash").notNull(),
});

export const authors = sqliteTable("authors", {
  id: integer("id").primaryKey(),
  firstName: text("first_name").notNull(),
  familyName: text("family_name").notNull(),
});

export const books = sqliteTable("books", {
  id: integer("id").primaryKey(),
  title: text("title").notNull(),
  authorId: integer("author_id").notNull().references(() => authors.id),
});

/** Physical copies of a book (Django tutorial's BookInstance). */
export const bookCopies = sqliteTable("book_copies", {
  id: integer("id").primaryKey(),
  bookId: integer("book_id").notNull().references(() => books.id),
  status: text("status", { enum: ["a", "o", "m", "r"] }).notNull(), // available, on loan, maintenance, reserved
});
