import type Libsql from "libsql";
import type { Database } from "./client";

type Row = Record<string, unknown>;

/**
 * A read a page makes on every visit (the catalogue's counts), compiled once
 * per connection. @libsql/client compiles a statement anew on every call,
 * which costs more than running a small one: on a plain local file this runs
 * it on the process's direct connection instead (the one the session store
 * writes on, so its writes leave this read's cached pages valid); elsewhere
 * (a libSQL server, a replica) through the client. Measured in docs/PERFORMANCE.md.
 */
export function preparedRead<T extends Row>(sql: string): (database: Database) => Promise<T> {
  // By connection: one that was reset after a failure is dropped with its statement.
  const prepared = new WeakMap<Libsql.Database, Libsql.Statement>();
  return async (database) => {
    const local = database.$local;
    if (!local) return (await database.$client.execute(sql)).rows[0] as unknown as T;
    const connection = local.shared.get();
    try {
      let statement = prepared.get(connection);
      if (!statement) prepared.set(connection, (statement = connection.prepare(sql)));
      return statement.get() as T;
    } catch (error) {
      // As the client does after a failure: start again from a fresh connection (a replaced file, a lock).
      local.shared.reset(connection);
      throw error;
    }
  };
}
