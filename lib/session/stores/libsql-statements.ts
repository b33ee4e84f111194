import type { Client } from "@libsql/client";
import type Libsql from "libsql";

type Connection = Libsql.Database;
// One argument, the array of values: the driver binds an array by position.
type Prepared = Libsql.Statement<[SqlValue[]]>;

export type SqlValue = string | number | bigint | null;
/** Named arguments, bound to `:name` in the SQL. */
export type SqlArgs = Record<string, SqlValue>;

/**
 * Runs the statements a request makes on every visit (session load, save,
 * increment). @libsql/client compiles each statement anew on every call; for
 * a session upsert that takes longer than running it. On a local file they
 * run instead through libSQL's own driver (the one the client wraps), each
 * compiled once per process and kept.
 */
export interface Statements {
  all<Row>(sql: string, args: SqlArgs): Promise<Row[]>;
  /** The first row, for a statement that returns at most one (by primary key, or a write's RETURNING): cheaper than all() on the driver. */
  get<Row>(sql: string, args: SqlArgs): Promise<Row | undefined>;
  /** How many statements are kept compiled (0 where the client runs them). */
  readonly prepared: number;
  close(): void;
}

/** Prepared statements kept per process: a bound above the handful of shapes a store writes. */
const MAX_PREPARED = 64;

/** A compiled statement and its parameters' names, in the order SQLite numbers them. */
interface Compiled {
  statement: Prepared;
  names: string[];
}

class PreparedStatements implements Statements {
  /** The connection the kept statements were prepared on. */
  private preparedOn: Connection | undefined;
  private readonly cache = new Map<string, Compiled>();

  constructor(private readonly local: SharedConnection) {}

  async all<Row>(sql: string, args: SqlArgs): Promise<Row[]> {
    return this.running((connection) => {
      const { statement, names } = this.compiled(connection, sql);
      return statement.all(positional(names, args)) as Row[];
    });
  }

  // A write's RETURNING: every change is made on the first step, and the reset that follows get() commits it.
  async get<Row>(sql: string, args: SqlArgs): Promise<Row | undefined> {
    return this.running((connection) => {
      const { statement, names } = this.compiled(connection, sql);
      return (statement.get(positional(names, args)) as Row | null) ?? undefined;
    });
  }

  private running<T>(run: (connection: Connection) => T): T {
    const connection = this.local.shared.get();
    try {
      return run(connection);
    } catch (error) {
      // As with the client (lib/db/client.ts reopens it too): after a failure start from a fresh connection,
      // which also picks up a database file that was replaced.
      this.local.shared.reset(connection);
      throw error;
    }
  }

  get prepared(): number {
    return this.cache.size;
  }

  /** The connection is the app's to close; the statements kept on it go. */
  close(): void {
    this.cache.clear();
    this.preparedOn = undefined;
  }

  private compiled(connection: Connection, sql: string): Compiled {
    if (connection !== this.preparedOn) this.close(); // a fresh connection since: prepare again
    this.preparedOn = connection;
    let compiled = this.cache.get(sql);
    if (compiled) return compiled;
    compiled = { statement: connection.prepare<[SqlValue[]]>(sql), names: parameterNames(sql) };
    if (this.cache.size >= MAX_PREPARED) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(sql, compiled);
    return compiled;
  }
}

/**
 * The arguments by position. The driver binds named arguments by looking up
 * every key of the object under each of SQLite's prefixes, which took a
 * third of a cold increment's time (docs/DESIGN.md); by position it binds
 * them in one pass.
 */
function positional(names: readonly string[], args: SqlArgs): SqlValue[] {
  const values = new Array<SqlValue>(names.length);
  for (let i = 0; i < names.length; i++) values[i] = args[names[i]] ?? null;
  return values;
}

/** What a statement is scanned for: string literals, quoted names and comments (skipped: a colon there is no parameter), `:name`, and the other parameter forms. */
const NOT_PARAMETERS = /'(?:[^']|'')*'|"(?:[^"]|"")*"|--[^\n]*|\/\*[\s\S]*?\*\/|:(\w+)|([?@$]\w*)/g;

/**
 * The `:name` parameters of a statement in the order SQLite numbers them:
 * by first appearance, a repeated name sharing its number. Only `:name`
 * is used here; another form throws rather than bind in the wrong place.
 */
function parameterNames(sql: string): string[] {
  const names: string[] = [];
  for (const [, name, otherForm] of sql.matchAll(NOT_PARAMETERS)) {
    if (otherForm !== undefined) throw new Error(`Only :name parameters are supported, not ${otherForm} in: ${sql}`);
    if (name !== undefined && !names.includes(name)) names.push(name);
  }
  return names;
}

/** Elsewhere (a libSQL server, an embedded replica, an in-memory database) the client runs them. */
class ClientStatements implements Statements {
  readonly prepared = 0;

  constructor(private readonly client: Client) {}

  private readonly namesBySql = new Map<string, string[]>();

  async all<Row>(sql: string, args: SqlArgs): Promise<Row[]> {
    // Only the names the statement uses, each with its prefix: a libSQL server may refuse others.
    const named = Object.fromEntries(this.names(sql).map((name) => [`:${name}`, args[name] ?? null]));
    const result = await this.client.execute({ sql, args: named });
    return result.rows as unknown as Row[];
  }

  async get<Row>(sql: string, args: SqlArgs): Promise<Row | undefined> {
    return (await this.all<Row>(sql, args))[0];
  }

  private names(sql: string): string[] {
    let names = this.namesBySql.get(sql);
    if (!names) {
      names = parameterNames(sql);
      if (this.namesBySql.size >= MAX_PREPARED) this.namesBySql.clear();
      this.namesBySql.set(sql, names);
    }
    return names;
  }

  close(): void {}
}

/**
 * A plain local database file, through the app's direct connection to it
 * (lib/db/local-connection.ts here): shared with the app's own prepared
 * reads, so that a session write leaves their cached pages valid.
 */
export interface SharedConnection {
  shared: {
    /** The open connection (the same one until a reset). */
    get(): Connection;
    /** Closes a connection a statement failed on: the next get() opens a fresh one. */
    reset(failed: Connection): void;
  };
}

/** Prepared statements on a plain local file; the client's own execute anywhere else. */
export function statementsFor(client: Client, local: SharedConnection | undefined): Statements {
  return local ? new PreparedStatements(local) : new ClientStatements(client);
}
