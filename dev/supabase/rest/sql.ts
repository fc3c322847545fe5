// Turns a parsed request into SQL. Every identifier is checked against the catalog and quoted;
// every value from the request is a bound parameter; only catalog-derived type names and
// validated integers are written into the text.
import type { Catalog, ForeignKey, Table } from "./catalog.js";
import { EXPOSED_SCHEMA } from "./catalog.js";
import { badRequest, notImplemented, PostgrestError } from "./errors.js";
import type { Condition, Field, ParsedQuery, SelectItem } from "./parse.js";

export function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export function qualified(name: string): string {
  return `${ident(EXPOSED_SCHEMA)}.${ident(name)}`;
}

export class SqlParams {
  readonly values: (string | null)[] = [];
  add(value: string | null): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

const COMPARISONS: Record<string, string> = {
  eq: "=",
  neq: "<>",
  gt: ">",
  gte: ">=",
  lt: "<",
  lte: "<=",
  like: "like",
  ilike: "ilike",
  match: "~",
  imatch: "~*",
  isdistinct: "is distinct from",
};
/** Range and array operators: their value is cast to the column's own type. */
const TYPED_OPERATORS: Record<string, string> = {
  cs: "@>",
  cd: "<@",
  ov: "&&",
  sl: "<<",
  sr: ">>",
  nxr: "&<",
  nxl: "&>",
  adj: "-|-",
};

/** A relation the rows are read from: a catalog table, or a function's result (unchecked). */
export interface Source {
  table: Table | undefined;
  alias: string;
}

interface Relationship {
  target: Table;
  foreignKey: ForeignKey;
  /** true: the target holds the foreign key, so the embed is an array. */
  toMany: boolean;
}

export class SqlBuilder {
  readonly params = new SqlParams();
  private aliasCount = 0;

  constructor(
    private readonly catalog: Catalog,
    readonly query: ParsedQuery,
  ) {}

  nextAlias(): string {
    return `_t${this.aliasCount++}`;
  }

  table(name: string): Table {
    const table = this.catalog.tables.get(name);
    if (!table) {
      throw new PostgrestError(
        404,
        "PGRST205",
        `Could not find the table '${EXPOSED_SCHEMA}.${name}' in the schema cache`,
      );
    }
    return table;
  }

  column(source: Source, name: string): string {
    if (source.table && !source.table.columns.has(name)) {
      throw badRequest("42703", `column ${source.table.name}.${name} does not exist`);
    }
    return `${ident(source.alias)}.${ident(name)}`;
  }

  field(source: Source, field: Field): string {
    let sql = this.column(source, field.column);
    for (const step of field.jsonPath) {
      const key = /^-?\d+$/.test(step.key) ? step.key : `${this.params.add(step.key)}::text`;
      sql = `${sql}${step.arrow}${key}`;
    }
    return sql;
  }

  /** `select <list> from <from> where … order by … limit … offset …` for one embed path. */
  select(
    source: Source,
    from: string,
    path: string,
    items: SelectItem[],
    options: { paged?: boolean; filtered?: boolean; join?: string } = {},
  ): string {
    const paged = options.paged ?? true;
    const filters = options.filtered === false ? "" : this.where(source, path, items);
    const where = [options.join, filters].filter(Boolean).join(" and ");
    const order = this.orderBy(source, path);
    const limit = paged ? this.query.limit.get(path) : undefined;
    const offset = paged ? this.query.offset.get(path) : undefined;
    return [
      `select ${this.selectList(source, path, items).join(", ")}`,
      `from ${from}`,
      where ? `where ${where}` : "",
      order ? `order by ${order}` : "",
      limit !== undefined ? `limit ${limit}` : "",
      offset ? `offset ${offset}` : "",
    ]
      .filter(Boolean)
      .join(" ");
  }

  /** The filters of one embed path, plus the existence tests of its !inner embeds. */
  where(source: Source, path: string, items: SelectItem[] = []): string {
    const parts = (this.query.conditions.get(path) ?? []).map((condition) =>
      this.condition(source, condition),
    );
    for (const item of items) {
      if (item.kind !== "embed" || !item.inner) continue;
      const embedPath = joinPath(path, item.alias ?? item.relation);
      const relationship = this.relationship(source, item.relation, item.hint);
      const alias = this.nextAlias();
      const target: Source = { table: relationship.target, alias };
      const conditions = [
        this.joinCondition(source, target, relationship),
        this.where(target, embedPath),
      ];
      parts.push(
        `exists (select 1 from ${qualified(relationship.target.name)} as ${ident(alias)} where ${conditions.filter(Boolean).join(" and ")})`,
      );
    }
    return parts.join(" and ");
  }

  private condition(source: Source, condition: Condition): string {
    if (condition.kind === "group") {
      const inner = condition.conditions
        .map((child) => this.condition(source, child))
        .join(` ${condition.combinator} `);
      return `${condition.negate ? "not " : ""}(${inner || "true"})`;
    }
    const field = this.field(source, condition.field);
    const sql = this.comparison(source, condition, field);
    return condition.negate ? `not (${sql})` : sql;
  }

  private comparison(
    source: Source,
    condition: Extract<Condition, { kind: "filter" }>,
    field: string,
  ): string {
    const { operator, value } = condition;
    if (Array.isArray(value)) {
      if (value.length === 0) return "false";
      return `${field} in (${value.map((item) => this.params.add(item)).join(", ")})`;
    }
    if (operator === "is") return `${field} is ${value.toLowerCase()}`;
    if (operator === "like" || operator === "ilike") {
      return `${field} ${COMPARISONS[operator]} ${this.params.add(value.replace(/\*/g, "%"))}`;
    }
    const comparison = COMPARISONS[operator];
    if (comparison) return `${field} ${comparison} ${this.params.add(value)}`;
    const typed = TYPED_OPERATORS[operator];
    const columnType = source.table?.columns.get(condition.field.column)?.type;
    if (!typed || !columnType || condition.field.jsonPath.length > 0) {
      throw notImplemented(`The ${operator} filter on this column`);
    }
    return `${field} ${typed} ${this.params.add(value)}::${columnType}`;
  }

  private orderBy(source: Source, path: string): string {
    return (this.query.order.get(path) ?? [])
      .map(
        (term) =>
          `${this.field(source, term.field)} ${term.descending ? "desc" : "asc"}${term.nulls ? ` nulls ${term.nulls}` : ""}`,
      )
      .join(", ");
  }

  private selectList(source: Source, path: string, items: SelectItem[]): string[] {
    return items.map((item) => {
      if (item.kind === "star") return `${ident(source.alias)}.*`;
      if (item.kind === "field") {
        const name = item.alias ?? item.field.jsonPath.at(-1)?.key ?? item.field.column;
        const value = this.field(source, item.field);
        return `${item.cast ? `(${value})::${item.cast}` : value} as ${ident(name)}`;
      }
      const name = item.alias ?? item.relation;
      return `(${this.embed(source, joinPath(path, name), item)}) as ${ident(name)}`;
    });
  }

  private embed(
    parent: Source,
    path: string,
    item: Extract<SelectItem, { kind: "embed" }>,
  ): string {
    const relationship = this.relationship(parent, item.relation, item.hint);
    const target: Source = { table: relationship.target, alias: this.nextAlias() };
    const from = `${qualified(relationship.target.name)} as ${ident(target.alias)}`;
    const join = this.joinCondition(parent, target, relationship);
    const correlated = this.select(target, from, path, item.select, { join });
    return relationship.toMany
      ? `select coalesce(json_agg(_e), '[]') from (${correlated}) as _e`
      : `select to_json(_e) from (${correlated}) as _e`;
  }

  private joinCondition(parent: Source, target: Source, relationship: Relationship): string {
    const { foreignKey, toMany } = relationship;
    return foreignKey.columns
      .map((column, i) => {
        const foreignColumn = foreignKey.foreignColumns[i] ?? "";
        const [targetColumn, parentColumn] = toMany
          ? [column, foreignColumn]
          : [foreignColumn, column];
        return `${ident(target.alias)}.${ident(targetColumn)} = ${ident(parent.alias)}.${ident(parentColumn)}`;
      })
      .join(" and ");
  }

  private relationship(parent: Source, relation: string, hint: string | undefined): Relationship {
    if (!parent.table) throw notImplemented("Embedding resources in a function's result");
    const from = parent.table.name;
    const candidates: Relationship[] = [];
    for (const foreignKey of this.catalog.foreignKeys) {
      const names = (table: string) => [table, foreignKey.name];
      if (
        foreignKey.table === from &&
        (names(foreignKey.foreignTable).includes(relation) ||
          isOnlyColumn(foreignKey.columns, relation))
      ) {
        candidates.push({ target: this.table(foreignKey.foreignTable), foreignKey, toMany: false });
      }
      if (foreignKey.foreignTable === from && names(foreignKey.table).includes(relation)) {
        candidates.push({ target: this.table(foreignKey.table), foreignKey, toMany: true });
      }
    }
    const matching = hint
      ? candidates.filter(
          ({ foreignKey }) => foreignKey.name === hint || isOnlyColumn(foreignKey.columns, hint),
        )
      : candidates;
    if (matching.length === 1 && matching[0]) return matching[0];
    if (matching.length > 1) {
      throw new PostgrestError(
        300,
        "PGRST201",
        `Could not embed because more than one relationship was found for '${from}' and '${relation}'`,
        matching.map(({ foreignKey }) => foreignKey.name).join(", "),
        `Try changing '${relation}' to one of: ${matching.map(({ foreignKey }) => `'${relation}!${foreignKey.name}'`).join(", ")}.`,
      );
    }
    if (this.isManyToMany(from, relation)) throw notImplemented("Many-to-many embedding");
    throw new PostgrestError(
      400,
      "PGRST200",
      `Could not find a relationship between '${from}' and '${relation}' in the schema cache`,
      null,
      "Check the foreign keys of both tables.",
    );
  }

  private isManyToMany(from: string, relation: string): boolean {
    const keys = this.catalog.foreignKeys;
    return keys.some(
      (a) =>
        a.foreignTable === from &&
        keys.some((b) => b.table === a.table && b.foreignTable === relation),
    );
  }
}

function isOnlyColumn(columns: string[], name: string): boolean {
  return columns.length === 1 && columns[0] === name;
}

function joinPath(path: string, name: string): string {
  return path ? `${path}.${name}` : name;
}
