// One Postgres for the local stack: embedded PGlite (persisted under .data/) or a real server when
// DATABASE_URL is set. Both are driven through the same small interface so the REST and Auth
// layers never know which one they talk to.
import { mkdirSync } from "node:fs";
import type { QueryResult as PgQueryResult } from "pg";

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

/** What the last statement of a script gave back, as pg_cron reports it. */
export interface ScriptOutcome {
  /** Rows the last statement returned; null when it returns none (INSERT, SET…). */
  rows: number | null;
  /** Its command tag (`INSERT 0 1`) where the driver reports one (not PGlite). */
  tag: string | null;
}

export interface Database {
  readonly kind: "pglite" | "postgres";
  /** Runs a script of one or more statements without parameters (migrations, bootstrap). */
  exec(script: string): Promise<void>;
  /** exec, answering what the last statement gave back (pg_cron's job commands). */
  execute(script: string): Promise<ScriptOutcome>;
  query: Query;
  /**
   * Calls onNotify for each NOTIFY on the channel, which Postgres delivers once the notifying
   * transaction commits (never for one rolled back). Resolves to the function that stops it.
   */
  listen(channel: string, onNotify: () => void): Promise<() => Promise<void>>;
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
    execute: async (script) => {
      const last = (await pg.exec(script)).at(-1);
      return { rows: last && last.fields.length > 0 ? last.rows.length : null, tag: null };
    },
    query,
    listen: async (channel, onNotify) => {
      const stop = await pg.listen(channel, onNotify);
      return async () => {
        if (!pg.closed) await stop();
      };
    },
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
    execute: async (script) => {
      // A script of several statements answers one result per statement.
      const results: PgQueryResult[] = [(await pool.query(script)) as never].flat();
      const last = results.at(-1);
      if (!last) return { rows: null, tag: null };
      return {
        rows: last.fields.length > 0 ? last.rows.length : null,
        tag: commandTag(last),
      };
    },
    query: run(pool),
    // LISTEN holds a connection of its own, outside the pool.
    listen: async (channel, onNotify) => {
      const client = new pg.Client({ connectionString: databaseUrl });
      client.on("notification", (message) => {
        if (message.channel === channel) onNotify();
      });
      // A dropped connection must not take the process down; the caller's poll carries on.
      client.on("error", () => undefined);
      await client.connect();
      await client.query(`listen "${channel.replaceAll('"', '""')}"`);
      return async () => {
        await client.end().catch(() => undefined);
      };
    },
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

/** The tag psql prints for a result: `INSERT 0 1`, `UPDATE 2`, `SET`. */
function commandTag(result: { command: string; rowCount: number | null }): string {
  if (result.rowCount === null) return result.command;
  return result.command === "INSERT"
    ? `INSERT 0 ${result.rowCount}`
    : `${result.command} ${result.rowCount}`;
}
