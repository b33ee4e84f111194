import { defineConfig } from "drizzle-kit";

export default defineConfig({
  dialect: "sqlite",
  schema: ["./lib/db/schema.ts", "./lib/session/stores/libsql-schema.ts"],
  out: "./drizzle",
});
