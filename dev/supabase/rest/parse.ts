// The PostgREST URL grammar that supabase-js produces (select, filters, logic trees, order,
// limit/offset, per-embed variants), parsed into a small tree. Nothing here touches SQL: names are
// checked against the catalog and values bound as parameters when the tree is turned into SQL.
import { badRequest, notImplemented } from "./errors.js";

export interface JsonStep {
  arrow: "->" | "->>";
  key: string;
}

export interface Field {
  column: string;
  jsonPath: JsonStep[];
}

export type SelectItem =
  | { kind: "star" }
  | { kind: "field"; field: Field; alias: string | undefined; cast: string | undefined }
  | {
      kind: "embed";
      relation: string;
      alias: string | undefined;
      hint: string | undefined;
      inner: boolean;
      select: SelectItem[];
    };

export type Condition =
  | { kind: "filter"; field: Field; negate: boolean; operator: string; value: string | string[] }
  | { kind: "group"; negate: boolean; combinator: "and" | "or"; conditions: Condition[] };

export interface OrderTerm {
  field: Field;
  descending: boolean;
  nulls: "first" | "last" | undefined;
}

/** Filters, order and paging per embed path ("" is the top-level resource). */
export interface ParsedQuery {
  select: SelectItem[];
  conditions: Map<string, Condition[]>;
  order: Map<string, OrderTerm[]>;
  limit: Map<string, number>;
  offset: Map<string, number>;
  columns: string[] | undefined;
  onConflict: string[] | undefined;
}

const OPERATORS = new Set([
  "eq",
  "neq",
  "gt",
  "gte",
  "lt",
  "lte",
  "like",
  "ilike",
  "match",
  "imatch",
  "in",
  "is",
  "isdistinct",
  "cs",
  "cd",
  "ov",
  "sl",
  "sr",
  "nxr",
  "nxl",
  "adj",
]);
const UNSUPPORTED_OPERATORS = new Set(["fts", "plfts", "phfts", "wfts"]);

/**
 * @param skip query keys that are not filters (a GET rpc's arguments).
 */
export function parseQuery(
  params: URLSearchParams,
  skip: ReadonlySet<string> = new Set(),
): ParsedQuery {
  const parsed: ParsedQuery = {
    select: [{ kind: "star" }],
    conditions: new Map(),
    order: new Map(),
    limit: new Map(),
    offset: new Map(),
    columns: undefined,
    onConflict: undefined,
  };
  const addCondition = (path: string, condition: Condition) =>
    parsed.conditions.set(path, [...(parsed.conditions.get(path) ?? []), condition]);

  for (const [key, value] of params) {
    if (skip.has(key)) continue;
    if (key === "select") {
      parsed.select = parseSelect(value);
      continue;
    }
    if (key === "columns") {
      parsed.columns = splitTopLevel(value).map(unquote);
      continue;
    }
    if (key === "on_conflict") {
      parsed.onConflict = splitTopLevel(value).map(unquote);
      continue;
    }
    const { path, name } = splitEmbedPath(key);
    switch (name) {
      case "order":
        parsed.order.set(path, parseOrder(value));
        break;
      case "limit":
        parsed.limit.set(path, parseCount(key, value));
        break;
      case "offset":
        parsed.offset.set(path, parseCount(key, value));
        break;
      case "or":
      case "and":
      case "not.or":
      case "not.and":
        addCondition(path, parseGroup(name, value));
        break;
      default:
        addCondition(path, parseFilter(parseField(name), value));
    }
  }
  return parsed;
}

const LOGIC_KEYS = ["not.or", "not.and", "or", "and"];

/** `rel.sub.col` → path "rel.sub", name "col"; `rel.not.or` → "rel", "not.or"; `->` stays. */
function splitEmbedPath(key: string): { path: string; name: string } {
  for (const name of LOGIC_KEYS) {
    if (key === name) return { path: "", name };
    if (key.endsWith(`.${name}`)) return { path: key.slice(0, -name.length - 1), name };
  }
  const arrow = key.indexOf("->");
  const head = arrow === -1 ? key : key.slice(0, arrow);
  const dot = head.lastIndexOf(".");
  if (dot === -1) return { path: "", name: key };
  return { path: key.slice(0, dot), name: key.slice(dot + 1) };
}

function parseCount(key: string, value: string): number {
  if (!/^\d+$/.test(value)) throw badRequest("PGRST100", `"failed to parse ${key} (${value})"`);
  return Number(value);
}

export function parseField(text: string): Field {
  const parts = text.split(/(->>?)/);
  const column = parts[0] ?? "";
  if (column === "") throw badRequest("PGRST100", `failed to parse field (${text})`);
  const jsonPath: JsonStep[] = [];
  for (let i = 1; i < parts.length; i += 2) {
    jsonPath.push({ arrow: parts[i] as JsonStep["arrow"], key: parts[i + 1] ?? "" });
  }
  return { column: unquote(column), jsonPath };
}

/** `[not.]op[(modifier)].value` */
function parseFilter(field: Field, text: string): Condition {
  const negate = text.startsWith("not.");
  const rest = negate ? text.slice(4) : text;
  const dot = rest.indexOf(".");
  const rawOperator = dot === -1 ? rest : rest.slice(0, dot);
  const value = dot === -1 ? "" : rest.slice(dot + 1);
  const operator = rawOperator.replace(/\(.*\)$/, "");
  if (UNSUPPORTED_OPERATORS.has(operator)) throw notImplemented(`The ${operator} filter`);
  if (rawOperator !== operator) throw notImplemented(`The ${rawOperator} filter modifier`);
  if (!OPERATORS.has(operator)) {
    throw badRequest("PGRST100", `"failed to parse filter (${text})" (line 1, column 1)`);
  }
  if (operator === "in") {
    const list = /^\((.*)\)$/s.exec(value);
    if (!list) throw badRequest("PGRST100", `"failed to parse filter (${text})"`);
    const items = list[1] === "" ? [] : splitTopLevel(list[1] ?? "").map(unquote);
    return { kind: "filter", field, negate, operator, value: items };
  }
  if (operator === "is" && !["null", "true", "false", "unknown"].includes(value.toLowerCase())) {
    throw badRequest("PGRST100", `"failed to parse filter (${text})"`);
  }
  return { kind: "filter", field, negate, operator, value: unquote(value) };
}

/** `or=(a.eq.1,and(b.gt.2,c.is.null))` */
function parseGroup(name: string, text: string): Condition {
  const negate = name.startsWith("not.");
  const combinator = name.endsWith("or") ? "or" : "and";
  const inner = /^\((.*)\)$/s.exec(text);
  if (!inner) throw badRequest("PGRST100", `"failed to parse logic tree (${text})"`);
  const conditions = splitTopLevel(inner[1] ?? "").map((item): Condition => {
    const nested = /^((?:not\.)?(?:and|or))(\(.*\))$/s.exec(item);
    if (nested) return parseGroup(nested[1] ?? "", nested[2] ?? "");
    const dot = item.indexOf(".");
    if (dot === -1) throw badRequest("PGRST100", `"failed to parse logic tree (${text})"`);
    return parseFilter(parseField(item.slice(0, dot)), item.slice(dot + 1));
  });
  return { kind: "group", negate, combinator, conditions };
}

function parseOrder(text: string): OrderTerm[] {
  return splitTopLevel(text).map((term) => {
    if (term.includes("(")) throw notImplemented("Ordering by an embedded resource");
    const [fieldText = "", ...modifiers] = term.split(".");
    let descending = false;
    let nulls: OrderTerm["nulls"];
    for (const modifier of modifiers) {
      if (modifier === "asc" || modifier === "desc") descending = modifier === "desc";
      else if (modifier === "nullsfirst" || modifier === "nullslast")
        nulls = modifier === "nullsfirst" ? "first" : "last";
      else throw badRequest("PGRST100", `"failed to parse order (${text})"`);
    }
    return { field: parseField(fieldText), descending, nulls };
  });
}

export function parseSelect(text: string): SelectItem[] {
  if (text.trim() === "") return [{ kind: "star" }];
  return splitTopLevel(text).map(parseSelectItem);
}

function parseSelectItem(item: string): SelectItem {
  if (item === "*") return { kind: "star" };
  const open = item.indexOf("(");
  if (open !== -1) {
    if (!item.endsWith(")")) throw badRequest("PGRST100", `"failed to parse select (${item})"`);
    const head = item.slice(0, open);
    const body = item.slice(open + 1, -1);
    if (head.startsWith("...")) throw notImplemented("Spreading an embedded resource (...)");
    const { alias, rest } = splitAlias(head);
    if (rest === "count" || rest.includes("."))
      throw notImplemented("Aggregate functions in select");
    const [relation = "", ...hints] = rest.split("!");
    const inner = hints.includes("inner");
    const named = hints.filter((hint) => hint !== "inner" && hint !== "left");
    if (named.length > 1) throw badRequest("PGRST100", `"failed to parse select (${item})"`);
    return {
      kind: "embed",
      relation: unquote(relation),
      alias,
      hint: named[0],
      inner,
      select: parseSelect(body),
    };
  }
  const castAt = item.lastIndexOf("::");
  const cast = castAt === -1 ? undefined : item.slice(castAt + 2);
  const { alias, rest } = splitAlias(castAt === -1 ? item : item.slice(0, castAt));
  if (cast !== undefined && !/^[a-z_][a-z0-9_ ]*(\[\])?$/i.test(cast)) {
    throw badRequest("PGRST100", `"failed to parse select (${item})"`);
  }
  return { kind: "field", field: parseField(rest), alias, cast };
}

function splitAlias(text: string): { alias: string | undefined; rest: string } {
  const colon = /^([^:]+):(?!:)(.*)$/s.exec(text);
  return colon
    ? { alias: unquote(colon[1] ?? ""), rest: colon[2] ?? "" }
    : { alias: undefined, rest: text };
}

/** Splits on commas outside parentheses and double quotes. */
export function splitTopLevel(text: string): string[] {
  const items: string[] = [];
  let depth = 0;
  let quoted = false;
  let current = "";
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === "\\" && quoted) {
      current += char + (text[i + 1] ?? "");
      i++;
      continue;
    }
    if (char === '"') quoted = !quoted;
    else if (!quoted && char === "(") depth++;
    else if (!quoted && char === ")") depth--;
    if (char === "," && depth === 0 && !quoted) {
      items.push(current);
      current = "";
    } else {
      current += char;
    }
  }
  if (depth !== 0 || quoted) throw badRequest("PGRST100", `"failed to parse (${text})"`);
  items.push(current);
  return items.map((item) => item.trim());
}

function unquote(text: string): string {
  const quoted = /^"(.*)"$/s.exec(text);
  return quoted ? (quoted[1] ?? "").replace(/\\(.)/g, "$1") : text;
}
