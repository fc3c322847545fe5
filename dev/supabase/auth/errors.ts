// GoTrue's error answers (supabase/auth internal/api/errors.go). A client that sends
// `X-Supabase-Api-Version: 2024-01-01` (auth-js always does) gets {code, message} plus an
// x-sb-error-code header, and the version echoed back: auth-js only trusts `code` when the response
// carries that header. Clients without it get the legacy {code: <status>, error_code, msg}.

export const API_VERSION_HEADER = "X-Supabase-Api-Version";
export const API_VERSION_2024 = "2024-01-01";

/** The `error` GoTrue puts next to error_code in a redirect, by status (oauthErrorMap). */
export const OAUTH_ERRORS: Record<number, string> = {
  400: "invalid_request",
  401: "unauthorized_client",
  403: "access_denied",
  500: "server_error",
};

export class AuthError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Fields GoTrue adds to this error's body, such as weak_password. */
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export const badRequest = (code: string, message: string) => new AuthError(400, code, message);
export const forbidden = (code: string, message: string) => new AuthError(403, code, message);
export const notFound = (code: string, message: string) => new AuthError(404, code, message);
export const unprocessable = (code: string, message: string) => new AuthError(422, code, message);

/** What a GoTrue feature the local stack leaves out answers, instead of a wrong success. */
export function notImplemented(feature: string): AuthError {
  return new AuthError(501, "not_implemented", `${feature} is not supported by the local stack`);
}

/** True when the request asks for the 2024-01-01 API (a date header at or after it). */
export function requestsApiVersion2024(request: Request): boolean {
  const version = request.headers.get(API_VERSION_HEADER) ?? "";
  return /^\d{4}-\d{2}-\d{2}$/.test(version) && version >= API_VERSION_2024;
}

export function errorResponse(error: AuthError, versioned: boolean): Response {
  if (!versioned) {
    return Response.json(
      { code: error.status, error_code: error.code, msg: error.message, ...error.details },
      { status: error.status },
    );
  }
  return Response.json(
    { code: error.code, message: error.message, ...error.details },
    { status: error.status, headers: { "x-sb-error-code": error.code } },
  );
}
