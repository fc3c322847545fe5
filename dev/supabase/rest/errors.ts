// PostgREST's error body {code, message, details, hint} and its mapping of Postgres error codes
// to HTTP statuses (PostgREST v12 src/PostgREST/Error.hs, mapSQLtoHTTP).

export class PostgrestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: string | null = null,
    readonly hint: string | null = null,
  ) {
    super(message);
  }
}

/** A feature PostgREST has and the local stack does not: a clear 501, never a wrong answer. */
export function notImplemented(feature: string): PostgrestError {
  return new PostgrestError(
    501,
    "PGRST501",
    `${feature} is not supported by the local stack`,
    null,
    "Point SUPABASE_URL at a real Supabase project to use it.",
  );
}

export function badRequest(code: string, message: string, details: string | null = null) {
  return new PostgrestError(400, code, message, details);
}

export function errorResponse(
  error: PostgrestError,
  headers: ResponseInit["headers"] = {},
): Response {
  const body = {
    code: error.code,
    details: error.details,
    hint: error.hint,
    message: error.message,
  };
  const response = Response.json(body, { status: error.status, headers });
  if (error.status === 401) response.headers.set("www-authenticate", "Bearer");
  return response;
}

interface DatabaseErrorFields {
  code?: unknown;
  message?: unknown;
  detail?: unknown;
  hint?: unknown;
}

/** Turns an error Postgres raised into PostgREST's answer; anything else is not ours to map. */
export function fromDatabaseError(error: unknown, role: string): PostgrestError | undefined {
  const fields = error as DatabaseErrorFields;
  if (typeof fields?.code !== "string" || !/^[0-9A-Z]{5}$/.test(fields.code)) return undefined;
  const text = (value: unknown) => (typeof value === "string" && value !== "" ? value : null);
  return new PostgrestError(
    statusForSqlState(fields.code, role),
    fields.code,
    String(fields.message ?? ""),
    text(fields.detail),
    text(fields.hint),
  );
}

function statusForSqlState(code: string, role: string): number {
  const custom = /^PT(\d{3})$/.exec(code);
  if (custom) return Number(custom[1]);
  const exact: Record<string, number> = {
    "23503": 409,
    "23505": 409,
    "25006": 405,
    "42883": 404,
    "42P01": 404,
    "42P17": 500,
    P0001: 400,
  };
  if (code === "42501") return role === "anon" ? 401 : 403;
  if (exact[code]) return exact[code];
  const byClass: Record<string, number> = {
    "08": 503,
    "09": 500,
    "0L": 403,
    "0P": 403,
    "25": 500,
    "28": 403,
    "2D": 500,
    "38": 500,
    "39": 500,
    "3B": 500,
    "40": 500,
    "53": 503,
    "54": 500,
    "55": 500,
    "57": 500,
    "58": 500,
    F0: 500,
    HV: 500,
    P0: 500,
    XX: 500,
  };
  return byClass[code.slice(0, 2)] ?? 400;
}
