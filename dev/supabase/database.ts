// One Postgres for the local stack: embedded PGlite (persisted under .data/) or a real server when
// DATABASE_URL is set. Both are driven through the same small interface so the REST and Auth
// layers never know which one they talk to.
import { mkdirSync } from "node:fs";

/**
 * Row values arrive parsed by the driver (int4, bool, json, text, uuid agree between pg and
 * PGlite); select int8 and timestamps as text or epoch numbers, where the two drivers differ.
 */
export interface QueryResult<Row> {
  rows: Row[];
  affectedRows: number;
}

export type Query = <Row = Record<string, unknown>>(
  text: string,
  params?: readonly (string | null)[],
) => Promise<QueryResult<Row>>;

export interface TransactionOptions {
  readOnly?: boolean;
}

export interface Database {
  readonly kind: "pglite" | "postgres";
  /** Runs a script of one or more statements without parameters (migrations, bootstrap). */
  exec(script: string): Promise<void>;
  query: Query;
  /** Runs fn in one transaction; it commits when fn resolves and rolls back when it throws. */
  transaction<T>(options: TransactionOptions, fn: (query: Query) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Thrown by fn to end a transaction with ROLLBACK while still returning a value. */
export class Rollback<T> extends Error {
  constructor(readonly value: T) {
    super("rollback");
  }
}

export interface DatabaseOptions {
  /** postgres://… for a real server; otherwise PGlite. */
  databaseUrl?: string | undefined;
  /** PGlite data directory; undefined keeps the database in memory (tests). */
  dataDir?: string | undefined;
}

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  return options.databaseUrl ? openPostgres(options.databaseUrl) : openPglite(options.dataDir);
}

async function openPglite(dataDir: string | undefined): Promise<Database> {
  const [{ PGlite }, { btree_gist }, { pgcrypto }] = await Promise.all([
    import("@electric-sql/pglite"),
    import("@electric-sql/pglite/contrib/btree_gist"),
    import("@electric-sql/pglite/contrib/pgcrypto"),
  ]);
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const pg = await PGlite.create(dataDir, { extensions: { btree_gist, pgcrypto } });
  const query: Query = async (text, params) => {
    const result = await pg.query(text, params ? [...params] : []);
    return { rows: result.rows as never[], affectedRows: result.affectedRows ?? 0 };
  };
  return {
    kind: "pglite",
    exec: async (script) => {
      await pg.exec(script);
    },
    query,
    // PGlite is one connection: its transaction() holds an exclusive lock, so concurrent
    // requests queue instead of interleaving inside each other's transactions.
    transaction: async (options, fn) => {
      try {
        return await pg.transaction(async (tx) => {
          if (options.readOnly) await tx.query("set transaction read only");
          const txQuery: Query = async (text, params) => {
            const result = await tx.query(text, params ? [...params] : []);
            return { rows: result.rows as never[], affectedRows: result.affectedRows ?? 0 };
          };
          try {
            return await fn(txQuery);
          } catch (error) {
            if (error instanceof Rollback) {
              await tx.rollback();
              return error.value;
            }
            throw error;
          }
        });
      } catch (error) {
        if (error instanceof Rollback) return error.value;
        throw error;
      }
    },
    close: () => pg.close(),
  };
}

async function openPostgres(databaseUrl: string): Promise<Database> {
  const { default: pg } = await import("pg");
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 10 });
  const run =
    (client: Pick<InstanceType<typeof pg.Pool>, "query">): Query =>
    async (text, params) => {
      const result = await client.query(text, params ? [...params] : []);
      return { rows: result.rows, affectedRows: result.rowCount ?? 0 };
    };
  return {
    kind: "postgres",
    exec: async (script) => {
      await pool.query(script);
    },
    query: run(pool),
    transaction: async (options, fn) => {
      const client = await pool.connect();
      try {
        await client.query(options.readOnly ? "begin read only" : "begin");
        const value = await fn(run(client));
        await client.query("commit");
        return value;
      } catch (error) {
        await client.query("rollback");
        if (error instanceof Rollback) return error.value;
        throw error;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}
