// The SQL statement for each kind of PostgREST request. Each statement answers one row:
// body (JSON array text), first (its first element), page_count and total (with count=exact).
import type { Catalog, RpcFunction, Table } from "./catalog.js";
import { badRequest, notImplemented, PostgrestError } from "./errors.js";
import type { ParsedQuery } from "./parse.js";
import { ident, qualified, type Source, SqlBuilder } from "./sql.js";

export interface Statement {
  sql: string;
  params: (string | null)[];
  /** Whether the answer is one object (a function returning one row or one value). */
  singular: boolean;
  /** A function returning void: PostgREST answers 204. */
  returnsNothing: boolean;
  /** A write without RETURNING: no row comes back, the affected-row count is the total. */
  minimal: boolean;
}

export interface StatementOptions {
  count: boolean;
  /** Prefer: return=representation — false runs the write without RETURNING. */
  representation: boolean;
}

export interface WriteOptions extends StatementOptions {
  resolution: "merge-duplicates" | "ignore-duplicates" | undefined;
  missingDefault: boolean;
}

type Row = Record<string, unknown>;

function result(inner: string, element: string, total: string | undefined): string {
  return `select coalesce(json_agg(${element}), '[]')::text as body, (json_agg(${element}) -> 0)::text as first, count(*)::int as page_count, ${total ?? "null"}::int as total from (${inner}) as _r`;
}

function statement(builder: SqlBuilder, sql: string, singular = false): Statement {
  return { sql, params: builder.params.values, singular, returnsNothing: false, minimal: false };
}

export function readStatement(
  catalog: Catalog,
  query: ParsedQuery,
  tableName: string,
  options: Pick<StatementOptions, "count">,
): Statement {
  const builder = new SqlBuilder(catalog, query);
  const source: Source = { table: builder.table(tableName), alias: builder.nextAlias() };
  const from = `${qualified(tableName)} as ${ident(source.alias)}`;
  return selectStatement(builder, source, from, options.count);
}

/** Rows of a table or a function's result: one page, and the count of all when asked. */
function selectStatement(
  builder: SqlBuilder,
  source: Source,
  from: string,
  count: boolean,
  singular = false,
): Statement {
  const select = builder.query.select;
  const inner = builder.select(source, from, "", select);
  const total = count
    ? `(select count(*) from (${builder.select(source, from, "", select, { paged: false })}) as _c)`
    : undefined;
  return statement(builder, result(inner, "_r", total), singular);
}

export function insertStatement(
  catalog: Catalog,
  query: ParsedQuery,
  tableName: string,
  body: unknown,
  options: WriteOptions,
): Statement {
  const builder = new SqlBuilder(catalog, query);
  const table = builder.table(tableName);
  const rows = Array.isArray(body) ? body : [body];
  if (!rows.every(isRow)) throw badRequest("PGRST102", "All object keys must match");
  const columns = query.columns ?? [...new Set(rows.flatMap((row) => Object.keys(row)))];
  for (const column of columns) requireColumn(table, column);
  const alias = builder.nextAlias();
  const target = `${qualified(tableName)} as ${ident(alias)}`;
  const columnList = columns.map(ident).join(", ");
  let insert: string;
  if (columns.length === 0) {
    if (rows.length !== 1) throw notImplemented("Inserting several rows without columns");
    insert = `insert into ${target} default values`;
  } else if (options.missingDefault) {
    const values = rows.map((row) => {
      const record = `json_populate_record(null::${qualified(tableName)}, ${builder.params.add(JSON.stringify(row))}::json)`;
      return `(${columns.map((column) => (column in row ? `(${record}).${ident(column)}` : "default")).join(", ")})`;
    });
    insert = `insert into ${target} (${columnList}) values ${values.join(", ")}`;
  } else {
    const recordset = `json_populate_recordset(null::${qualified(tableName)}, ${builder.params.add(JSON.stringify(rows))}::json)`;
    insert = `insert into ${target} (${columnList}) select ${columnList} from ${recordset} as _p`;
  }
  if (options.resolution) {
    const conflict = query.onConflict ?? table.primaryKey;
    if (conflict.length === 0)
      throw badRequest("PGRST100", "on_conflict needs a column list or a primary key");
    for (const column of conflict) requireColumn(table, column);
    const action =
      options.resolution === "ignore-duplicates" || columns.length === 0
        ? "do nothing"
        : `do update set ${columns.map((column) => `${ident(column)} = excluded.${ident(column)}`).join(", ")}`;
    insert += ` on conflict (${conflict.map(ident).join(", ")}) ${action}`;
  }
  return writeResult(builder, { table, alias }, insert, options);
}

export function updateStatement(
  catalog: Catalog,
  query: ParsedQuery,
  tableName: string,
  body: unknown,
  options: StatementOptions,
): Statement {
  const builder = new SqlBuilder(catalog, query);
  const table = builder.table(tableName);
  if (!isRow(body)) throw badRequest("PGRST102", "Empty or invalid json");
  rejectPagedWrite(query);
  const columns = Object.keys(body);
  for (const column of columns) requireColumn(table, column);
  const source: Source = { table, alias: builder.nextAlias() };
  if (columns.length === 0) {
    // PostgREST updates nothing for an empty body and answers as if no row matched.
    return statement(builder, result("select 1 where false", "_r", "0"));
  }
  const record = `json_populate_record(null::${qualified(tableName)}, ${builder.params.add(JSON.stringify(body))}::json)`;
  const where = builder.where(source, "");
  const update = `update ${qualified(tableName)} as ${ident(source.alias)} set ${columns
    .map((column) => `${ident(column)} = _p.${ident(column)}`)
    .join(", ")} from ${record} as _p${where ? ` where ${where}` : ""}`;
  return writeResult(builder, source, update, options);
}

export function deleteStatement(
  catalog: Catalog,
  query: ParsedQuery,
  tableName: string,
  options: StatementOptions,
): Statement {
  const builder = new SqlBuilder(catalog, query);
  rejectPagedWrite(query);
  const source: Source = { table: builder.table(tableName), alias: builder.nextAlias() };
  const where = builder.where(source, "");
  const remove = `delete from ${qualified(tableName)} as ${ident(source.alias)}${where ? ` where ${where}` : ""}`;
  return writeResult(builder, source, remove, options);
}

/**
 * Without return=representation the write runs without RETURNING: Postgres applies SELECT
 * policies to returned rows, and PostgREST lets a caller write rows it may not read back.
 */
function writeResult(
  builder: SqlBuilder,
  source: Source,
  write: string,
  options: StatementOptions,
): Statement {
  if (!options.representation) {
    return { ...statement(builder, write), minimal: true };
  }
  const inner = builder.select(source, `_m as ${ident(source.alias)}`, "", builder.query.select, {
    paged: false,
    filtered: false,
  });
  return statement(
    builder,
    `with _m as (${write} returning ${ident(source.alias)}.*) ${result(inner, "_r", "(select count(*) from _m)")}`,
  );
}

export function rpcStatement(
  catalog: Catalog,
  query: ParsedQuery,
  fn: RpcFunction,
  args: Row,
  options: Pick<StatementOptions, "count">,
): Statement {
  const builder = new SqlBuilder(catalog, query);
  const used = fn.arguments.filter((argument) => argument.name in args);
  const argsRecord = used.length
    ? `json_to_record(${builder.params.add(JSON.stringify(args))}::json) as _a(${used
        .map((argument) => `${ident(argument.name)} ${argument.type}`)
        .join(", ")})`
    : undefined;
  const call = `${qualified(fn.name)}(${used
    .map((argument) => `${ident(argument.name)} := _a.${ident(argument.name)}`)
    .join(", ")})`;
  const argsFrom = argsRecord ? `${argsRecord} cross join lateral ` : "";
  if (fn.returns === "void") {
    return {
      ...statement(builder, `select ${call}${argsRecord ? ` from ${argsRecord}` : ""}`),
      returnsNothing: true,
    };
  }
  if (fn.returns === "scalar") {
    const alias = builder.nextAlias();
    const inner = `select ${ident(alias)}.value from ${argsFrom}${call} as ${ident(alias)}(value)`;
    return statement(builder, result(inner, "_r.value", undefined), !fn.returnsSet);
  }
  const source: Source = { table: undefined, alias: builder.nextAlias() };
  const from = `${argsFrom}${call} as ${ident(source.alias)}`;
  return selectStatement(builder, source, from, options.count, !fn.returnsSet);
}

/** The overload whose parameters fit the given argument names, as PostgREST chooses it. */
export function resolveFunction(
  catalog: Catalog,
  name: string,
  argumentNames: string[],
): RpcFunction {
  const fits = (catalog.functions.get(name) ?? []).filter(
    (fn) =>
      argumentNames.every((arg) => fn.arguments.some((argument) => argument.name === arg)) &&
      fn.arguments.every(
        (argument) => argument.hasDefault || argumentNames.includes(argument.name),
      ),
  );
  if (fits.length > 1) {
    throw new PostgrestError(
      300,
      "PGRST203",
      `Could not choose the best candidate function between: ${fits.map((fn) => fn.name).join(", ")}`,
    );
  }
  const [fn] = fits;
  if (!fn) {
    const signature = argumentNames.length
      ? `with parameters ${argumentNames.join(", ")}`
      : "without parameters";
    throw new PostgrestError(
      404,
      "PGRST202",
      `Could not find the function public.${name}(${argumentNames.join(", ")}) in the schema cache`,
      `Searched for the function public.${name} ${signature}, but no matches were found in the schema cache.`,
    );
  }
  return fn;
}

function requireColumn(table: Table, column: string): void {
  if (!table.columns.has(column)) {
    throw badRequest(
      "PGRST204",
      `Could not find the '${column}' column of '${table.name}' in the schema cache`,
    );
  }
}

function rejectPagedWrite(query: ParsedQuery): void {
  if (query.limit.has("") || query.offset.has(""))
    throw notImplemented("limit/offset on updates and deletes");
}

function isRow(value: unknown): value is Row {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
