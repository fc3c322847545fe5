// The schema cache: what PostgREST reads from pg_catalog to know which tables, columns,
// relationships and functions exist. Every identifier in a request is checked against it.
import type { Query } from "../database.js";

export const EXPOSED_SCHEMA = "public";

export interface Column {
  name: string;
  /** format_type() of the column: safe to put in SQL, it comes from the catalog. */
  type: string;
}

export interface Table {
  name: string;
  columns: Map<string, Column>;
  primaryKey: string[];
}

export interface ForeignKey {
  name: string;
  table: string;
  columns: string[];
  foreignTable: string;
  foreignColumns: string[];
}

export interface FunctionArgument {
  name: string;
  type: string;
  hasDefault: boolean;
}

export interface RpcFunction {
  name: string;
  arguments: FunctionArgument[];
  returnsSet: boolean;
  /** "void", "row" (a table type, composite or OUT parameters) or "scalar". */
  returns: "void" | "row" | "scalar";
}

export interface Catalog {
  tables: Map<string, Table>;
  foreignKeys: ForeignKey[];
  functions: Map<string, RpcFunction[]>;
}

const COLUMNS_SQL = `
select c.relname as table_name, a.attname as column_name,
       format_type(a.atttypid, a.atttypmod) as column_type
from pg_class c
join pg_namespace n on n.oid = c.relnamespace
join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
where n.nspname = $1 and c.relkind in ('r', 'v', 'm', 'p', 'f')
order by c.relname, a.attnum`;

const PRIMARY_KEYS_SQL = `
select c.relname as table_name,
       (select json_agg(a.attname order by k.i)
          from unnest(con.conkey) with ordinality k(n, i)
          join pg_attribute a on a.attrelid = con.conrelid and a.attnum = k.n) as columns
from pg_constraint con
join pg_class c on c.oid = con.conrelid
join pg_namespace n on n.oid = c.relnamespace
where con.contype = 'p' and n.nspname = $1`;

const FOREIGN_KEYS_SQL = `
select con.conname as name, c.relname as table_name, fc.relname as foreign_table,
       (select json_agg(a.attname order by k.i)
          from unnest(con.conkey) with ordinality k(n, i)
          join pg_attribute a on a.attrelid = con.conrelid and a.attnum = k.n) as columns,
       (select json_agg(a.attname order by k.i)
          from unnest(con.confkey) with ordinality k(n, i)
          join pg_attribute a on a.attrelid = con.confrelid and a.attnum = k.n) as foreign_columns
from pg_constraint con
join pg_class c on c.oid = con.conrelid
join pg_namespace n on n.oid = c.relnamespace
join pg_class fc on fc.oid = con.confrelid
join pg_namespace fn on fn.oid = fc.relnamespace
where con.contype = 'f' and n.nspname = $1 and fn.nspname = $1`;

const FUNCTIONS_SQL = `
select p.proname as name, p.proretset as returns_set, p.pronargdefaults as defaults,
       p.prorettype = 'void'::regtype as returns_void,
       (t.typrelid <> 0 or p.prorettype = 'record'::regtype) as returns_row,
       to_json(p.proargnames) as arg_names,
       to_json(p.proargmodes::text[]) as arg_modes,
       (select json_agg(format_type(u.t, null) order by u.i)
          from unnest(p.proargtypes::oid[]) with ordinality u(t, i)) as arg_types
from pg_proc p
join pg_namespace n on n.oid = p.pronamespace
join pg_type t on t.oid = p.prorettype
where n.nspname = $1 and p.prokind = 'f'`;

interface FunctionRow {
  name: string;
  returns_set: boolean;
  defaults: number;
  returns_void: boolean;
  returns_row: boolean;
  arg_names: string[] | null;
  arg_modes: string[] | null;
  arg_types: string[] | null;
}

export async function loadCatalog(query: Query): Promise<Catalog> {
  const schema = [EXPOSED_SCHEMA];
  const [columns, primaryKeys, foreignKeys, functions] = await Promise.all([
    query<{ table_name: string; column_name: string; column_type: string }>(COLUMNS_SQL, schema),
    query<{ table_name: string; columns: string[] }>(PRIMARY_KEYS_SQL, schema),
    query<{
      name: string;
      table_name: string;
      foreign_table: string;
      columns: string[];
      foreign_columns: string[];
    }>(FOREIGN_KEYS_SQL, schema),
    query<FunctionRow>(FUNCTIONS_SQL, schema),
  ]);
  const tables = new Map<string, Table>();
  for (const row of columns.rows) {
    const table = tables.get(row.table_name) ?? {
      name: row.table_name,
      columns: new Map(),
      primaryKey: [],
    };
    table.columns.set(row.column_name, { name: row.column_name, type: row.column_type });
    tables.set(row.table_name, table);
  }
  for (const row of primaryKeys.rows) {
    const table = tables.get(row.table_name);
    if (table) table.primaryKey = row.columns;
  }
  const byName = new Map<string, RpcFunction[]>();
  for (const row of functions.rows) {
    const fn = toRpcFunction(row);
    byName.set(fn.name, [...(byName.get(fn.name) ?? []), fn]);
  }
  return {
    tables,
    foreignKeys: foreignKeys.rows.map((row) => ({
      name: row.name,
      table: row.table_name,
      columns: row.columns,
      foreignTable: row.foreign_table,
      foreignColumns: row.foreign_columns,
    })),
    functions: byName,
  };
}

function toRpcFunction(row: FunctionRow): RpcFunction {
  const types = row.arg_types ?? [];
  // proargnames covers OUT parameters too when proargmodes is set; keep the inputs only.
  const inputNames = (row.arg_names ?? []).filter((_, i) => {
    const mode = row.arg_modes?.[i] ?? "i";
    return mode === "i" || mode === "b" || mode === "v";
  });
  const firstDefault = types.length - row.defaults;
  return {
    name: row.name,
    arguments: types.map((type, i) => ({
      name: inputNames[i] ?? "",
      type,
      hasDefault: i >= firstDefault,
    })),
    returnsSet: row.returns_set,
    returns: row.returns_void ? "void" : row.returns_row ? "row" : "scalar",
  };
}
