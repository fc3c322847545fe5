// /rest/v1: the PostgREST subset supabase-js produces. Per request, as PostgREST does: verify
// the JWT, open one transaction, set role and request.jwt.claims, run one statement — so the
// row-level security in supabase/migrations decides what each caller reads and writes.
import type { JWTPayload } from "jose";
import { type Database, type Query, Rollback } from "../database.js";
import type { SigningKeys } from "../keys.js";
import { type Catalog, EXPOSED_SCHEMA, loadCatalog } from "./catalog.js";
import {
  badRequest,
  errorResponse,
  fromDatabaseError,
  notImplemented,
  PostgrestError,
} from "./errors.js";
import { parseQuery } from "./parse.js";
import { type Prefer, parsePrefer } from "./prefer.js";
import {
  deleteStatement,
  insertStatement,
  readStatement,
  resolveFunction,
  rpcStatement,
  type Statement,
  updateStatement,
} from "./statements.js";

const API_ROLES = new Set(["anon", "authenticated", "service_role"]);
const SINGLE_OBJECT = "application/vnd.pgrst.object+json";

interface ResultRow {
  body: string | null;
  first: string | null;
  page_count: number;
  total: number | null;
}

interface Caller {
  role: string;
  claims: JWTPayload;
}

export async function createRestApi({ db, keys }: { db: Database; keys: SigningKeys }) {
  let catalog = await loadCatalog(db.query);

  /** A table or function created after start-up is found after one reload, as PostgREST's
   * schema-cache reload would find it. */
  async function withCatalog<T>(build: (catalog: Catalog) => T): Promise<T> {
    try {
      return build(catalog);
    } catch (error) {
      const missing =
        error instanceof PostgrestError && ["PGRST205", "PGRST202"].includes(error.code);
      if (!missing) throw error;
      catalog = await loadCatalog(db.query);
      return build(catalog);
    }
  }

  return async function handleRest(request: Request, path: string): Promise<Response> {
    let caller: Caller = { role: "anon", claims: { role: "anon" } };
    try {
      caller = await authenticate(request, keys);
      checkProfile(request);
      checkAccept(request);
      const prefer = parsePrefer(request.headers.get("prefer"));
      const statement = await withCatalog((current) =>
        buildStatement(current, request, path, prefer, readJson),
      );
      const singleObject = (request.headers.get("accept") ?? "").includes(SINGLE_OBJECT);
      const readOnly = request.method === "GET" || request.method === "HEAD";
      const row = await db.transaction({ readOnly }, async (query) => {
        await setRequestContext(query, request, caller);
        const resultRow = await execute(query, await statement);
        if (singleObject && resultRow.page_count !== 1 && !(await statement).returnsNothing) {
          throw new PostgrestError(
            406,
            "PGRST116",
            "JSON object requested, multiple (or no) rows returned",
            `The result contains ${resultRow.page_count} rows`,
          );
        }
        if (prefer.tx === "rollback") throw new Rollback(resultRow);
        return resultRow;
      });
      return respond(request, path, await statement, row, prefer, singleObject);
    } catch (error) {
      const known = error instanceof PostgrestError ? error : fromDatabaseError(error, caller.role);
      if (known) return errorResponse(known);
      throw error;
    }

    async function readJson(): Promise<unknown> {
      const text = await request.text();
      if (text.trim() === "") return {};
      try {
        return JSON.parse(text);
      } catch {
        throw badRequest("PGRST102", "Empty or invalid json");
      }
    }
  };
}

async function buildStatement(
  catalog: Catalog,
  request: Request,
  path: string,
  prefer: Prefer,
  readJson: () => Promise<unknown>,
): Promise<Statement> {
  const url = new URL(request.url);
  const count = prefer.count === "exact";
  const representation = prefer.return === "representation";
  const rpc = /^rpc\/([^/]+)$/.exec(path);
  if (rpc) {
    const name = decodeURIComponent(rpc[1] ?? "");
    const isRead = request.method === "GET" || request.method === "HEAD";
    if (!isRead && request.method !== "POST") throw methodNotAllowed(request.method);
    let args: Record<string, unknown>;
    if (isRead) {
      const names = new Set(
        (catalog.functions.get(name) ?? []).flatMap((fn) => fn.arguments.map((a) => a.name)),
      );
      args = Object.fromEntries([...url.searchParams].filter(([key]) => names.has(key)));
    } else {
      const body = await readJson();
      if (typeof body !== "object" || body === null || Array.isArray(body)) {
        throw notImplemented("Calling a function with a non-object body");
      }
      args = body as Record<string, unknown>;
    }
    const fn = resolveFunction(catalog, name, Object.keys(args));
    const query = parseQuery(url.searchParams, new Set(isRead ? Object.keys(args) : []));
    return rpcStatement(catalog, query, fn, args, { count });
  }
  if (!/^[^/]+$/.test(path)) {
    throw new PostgrestError(404, "PGRST125", `Invalid path specified in request URL`);
  }
  const table = decodeURIComponent(path);
  const query = parseQuery(url.searchParams);
  switch (request.method) {
    case "GET":
    case "HEAD":
      if (request.headers.has("range")) throw notImplemented("The Range header (use limit/offset)");
      return readStatement(catalog, query, table, { count });
    case "POST":
      return insertStatement(catalog, query, table, await readJson(), {
        count,
        representation,
        resolution: prefer.resolution,
        missingDefault: prefer.missing === "default",
      });
    case "PATCH":
      return updateStatement(catalog, query, table, await readJson(), { count, representation });
    case "DELETE":
      return deleteStatement(catalog, query, table, { count, representation });
    case "PUT":
      throw notImplemented("PUT (single-row upsert)");
    default:
      throw methodNotAllowed(request.method);
  }
}

function methodNotAllowed(method: string): PostgrestError {
  return new PostgrestError(405, "PGRST117", `Unsupported HTTP method: ${method}`);
}

async function authenticate(request: Request, keys: SigningKeys): Promise<Caller> {
  const header = request.headers.get("authorization");
  if (!header) return { role: "anon", claims: { role: "anon" } };
  const token = /^Bearer\s+(.+)$/i.exec(header)?.[1];
  if (!token)
    throw new PostgrestError(401, "PGRST301", "Authorization header is not a Bearer token");
  let claims: JWTPayload;
  try {
    claims = await keys.verify(token);
  } catch (error) {
    const expired = (error as { code?: string }).code === "ERR_JWT_EXPIRED";
    throw new PostgrestError(
      401,
      expired ? "PGRST303" : "PGRST301",
      expired ? "JWT expired" : "JWT could not be verified",
    );
  }
  const role = typeof claims.role === "string" ? claims.role : "anon";
  if (!API_ROLES.has(role)) {
    throw new PostgrestError(
      401,
      "PGRST301",
      `JWT role must be one of: ${[...API_ROLES].join(", ")}`,
    );
  }
  return { role, claims: { ...claims, role } };
}

function checkProfile(request: Request): void {
  const profile = request.headers.get("accept-profile") ?? request.headers.get("content-profile");
  if (profile && profile !== EXPOSED_SCHEMA) {
    throw new PostgrestError(
      406,
      "PGRST106",
      `The schema must be one of the following: ${EXPOSED_SCHEMA}`,
    );
  }
}

function checkAccept(request: Request): void {
  const accept = request.headers.get("accept");
  if (!accept) return;
  const supported = accept
    .split(",")
    .map((item) => item.split(";")[0]?.trim() ?? "")
    .some((type) => ["*/*", "application/json", "application/*", SINGLE_OBJECT].includes(type));
  if (!supported) throw notImplemented(`The media type ${accept}`);
}

/** What PostgREST sets per request before the query (Query.hs): role, claims, method, path, headers. */
async function setRequestContext(query: Query, request: Request, caller: Caller): Promise<void> {
  const headers = Object.fromEntries(request.headers);
  await query(
    `select set_config('search_path', '"public", "extensions"', true),
            set_config('role', $1, true),
            set_config('request.jwt.claims', $2, true),
            set_config('request.method', $3, true),
            set_config('request.path', $4, true),
            set_config('request.headers', $5, true)`,
    [
      caller.role,
      JSON.stringify(caller.claims),
      request.method,
      new URL(request.url).pathname,
      JSON.stringify(headers),
    ],
  );
}

async function execute(query: Query, statement: Statement): Promise<ResultRow> {
  const result = await query<ResultRow>(statement.sql, statement.params);
  if (statement.minimal || statement.returnsNothing) {
    return { body: null, first: null, page_count: result.affectedRows, total: result.affectedRows };
  }
  const row = result.rows[0];
  if (!row) throw new Error("statement returned no result row");
  return row;
}

function respond(
  request: Request,
  path: string,
  statement: Statement,
  row: ResultRow,
  prefer: Prefer,
  singleObject: boolean,
): Response {
  const headers = new Headers({ "content-type": "application/json; charset=utf-8" });
  if (prefer.applied.length) headers.set("preference-applied", prefer.applied.join(", "));
  const isRpc = path.startsWith("rpc/");
  const method = request.method;
  const total = row.total ?? "*";
  if (method === "GET" || method === "HEAD" || isRpc) {
    const offset = Number(new URL(request.url).searchParams.get("offset") ?? 0);
    headers.set(
      "content-range",
      row.page_count > 0 ? `${offset}-${offset + row.page_count - 1}/${total}` : `*/${total}`,
    );
  } else {
    headers.set("content-range", `*/${prefer.count ? total : "*"}`);
  }
  if (statement.returnsNothing) return new Response(null, { status: 204, headers });
  const body = singleObject || statement.singular ? row.first : row.body;
  if (method === "POST" && !isRpc) {
    return new Response(statement.minimal ? null : body, { status: 201, headers });
  }
  if (method === "PATCH" || method === "DELETE") {
    return statement.minimal
      ? new Response(null, { status: 204, headers })
      : new Response(body, { status: 200, headers });
  }
  const partial = row.total !== null && row.page_count < row.total && !statement.singular && !isRpc;
  return new Response(method === "HEAD" ? null : (body ?? "null"), {
    status: partial ? 206 : 200,
    headers,
  });
}
