// One of several processes hammering the same database file (see concurrency.test.ts).
// argv: url, sealed cookie, worker id, rounds
import { libsqlConnection } from "../lib/sessions";
import { openDatabase } from "../lib/db/client";
import { detachedSession, keyCookie, LibsqlStore } from "../lib/session/testing";
import { DEFAULT_OPTIONS, SECRETS } from "./harness";

const [url, cookie, worker, rounds] = process.argv.slice(2);
const store = new LibsqlStore(libsqlConnection(openDatabase(url)));
const key = (await keyCookie(SECRETS).read(cookie))?.key ?? null;
const request = () => detachedSession(store, DEFAULT_OPTIONS, key);

let errors = 0;
await Promise.all(
  Array.from({ length: Number(rounds) }, async (_, i) => {
    try {
      await request().increment("count");
      const s = request();
      await s.set(`w${worker}-${i}`, i);
      await s.save();
    } catch (error) {
      errors++;
      console.error(String(error));
    }
  }),
);
console.log(JSON.stringify({ errors }));
