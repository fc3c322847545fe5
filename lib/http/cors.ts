// CORS against ALLOWED_ORIGINS and the allowlisted browser extensions (ALLOWED_EXTENSION_IDS,
// lib/auth/extensions.ts): an allowed origin is echoed exactly (never "*", never a pattern),
// with Vary: Origin so caches keep answers for different origins apart. The literal origin
// "null" (sandboxed frames, file: pages) and every other origin get no grant at all.
import { extensionOrigin } from "../auth/extensions.js";
import { env } from "../env.js";

const ALLOWED_REQUEST_HEADERS =
  "authorization, content-type, idempotency-key, x-booking-token, x-requested-with";
const EXPOSED_HEADERS =
  "x-request-id, retry-after, ratelimit-limit, ratelimit-remaining, ratelimit-reset, idempotent-replayed";
const PREFLIGHT_MAX_AGE_SECONDS = "600";

/** An ALLOWED_ORIGINS origin (pages that may use the refresh cookie too). */
export function allowedOrigin(headers: Headers): string | undefined {
  const origin = headers.get("origin");
  if (!origin || origin === "null") return undefined;
  return env().ALLOWED_ORIGINS?.includes(origin) ? origin : undefined;
}

/** Whom CORS grants: an ALLOWED_ORIGINS origin or an allowlisted extension's. */
function corsOrigin(headers: Headers): string | undefined {
  return allowedOrigin(headers) ?? extensionOrigin(headers);
}

export function withCors(response: Response, request: Request): Response {
  response.headers.append("vary", "Origin");
  const origin = corsOrigin(request.headers);
  if (origin) {
    response.headers.set("access-control-allow-origin", origin);
    response.headers.set("access-control-allow-credentials", "true");
    response.headers.set("access-control-expose-headers", EXPOSED_HEADERS);
  }
  return response;
}

export function isPreflight(request: Request): boolean {
  return request.method === "OPTIONS" && request.headers.has("access-control-request-method");
}

/** The answer to a preflight: grants only for an allowlisted origin and a method we serve. */
export function preflightResponse(request: Request, methods: string[]): Response {
  const response = new Response(null, { status: 204, headers: { allow: methods.join(", ") } });
  const requested = request.headers.get("access-control-request-method") ?? "";
  if (corsOrigin(request.headers) && methods.includes(requested)) {
    response.headers.set("access-control-allow-methods", methods.join(", "));
    response.headers.set("access-control-allow-headers", ALLOWED_REQUEST_HEADERS);
    response.headers.set("access-control-max-age", PREFLIGHT_MAX_AGE_SECONDS);
  }
  return withCors(response, request);
}
