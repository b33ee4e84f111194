import Libsql from "libsql";
import type { Database, LocalFile } from "./client";

type Row = Record<string, unknown>;

interface Opened {
  connection: Libsql.Database;
  statement: Libsql.Statement;
}

/**
 * A read a page makes on every visit (the catalogue's counts), compiled once
 * per process. @libsql/client compiles a statement anew on every call, which
 * costs more than running a small one: on a plain local file this runs it
 * through libSQL's own driver instead; elsewhere (a libSQL server, a replica)
 * through the client. Measured in docs/PERFORMANCE.md.
 */
export function preparedRead<T extends Row>(sql: string): (database: Database) => Promise<T> {
  const opened = new WeakMap<Database, Opened>();
  const open = (database: Database, local: LocalFile): Opened => {
    let entry = opened.get(database);
    if (!entry) {
      const connection = new Libsql(local.file, { timeout: local.busyTimeoutMs, readonly: true });
      entry = { connection, statement: connection.prepare(sql) };
      opened.set(database, entry);
    }
    return entry;
  };
  return async (database) => {
    const local = database.$local;
    if (!local) return (await database.$client.execute(sql)).rows[0] as unknown as T;
    try {
      return open(database, local).statement.get() as T;
    } catch (error) {
      // As the client does after a failure: start again from a fresh connection (a replaced file, a lock).
      opened.get(database)?.connection.close();
      opened.delete(database);
      throw error;
    }
  };
}
