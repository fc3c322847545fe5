// Postgres errors the Auth API turns into GoTrue answers; pg and PGlite both carry the SQLSTATE.

/** 23505: a concurrent request inserted the same email (or token) first. */
export function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === "23505";
}
