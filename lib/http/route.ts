// route({ GET: endpoint(…), POST: endpoint(…) }): one api/ file's methods behind one `fetch`
// export, which Vercel calls for every method. One entry point lets the pipeline answer what a
// per-method export cannot: CORS preflights, 405 with Allow as problem+json, HEAD from GET —
// and puts the request id, CORS, security headers and the access log on every response.
import type { Caller } from "../auth/caller.js";
import { log } from "../log.js";
import { reportServerError } from "../monitoring/report-error.js";
import { allowedOrigin, isPreflight, preflightResponse, withCors } from "./cors.js";
import type { Endpoint } from "./endpoint.js";
import { ApiError } from "./errors.js";
import { asApiError, problemResponse } from "./problem.js";
import { requestIdOf } from "./request-id.js";
import { withSecurityHeaders } from "./security-headers.js";
import { requireServableConfiguration } from "./startup-check.js";

export const HTTP_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

export interface Route {
  endpoints: Partial<Record<HttpMethod, Endpoint>>;
  fetch(request: Request): Promise<Response>;
}

export interface RouteOptions {
  /**
   * The health check only: it serves even when the configuration stops every other function
   * (lib/http/startup-check.ts), because it is where that is reported.
   */
  reportsConfiguration?: true;
}

export function route(
  endpoints: Partial<Record<HttpMethod, Endpoint>>,
  options: RouteOptions = {},
): Route {
  const served = HTTP_METHODS.filter((method) => endpoints[method]);
  const allow = [...served, ...(endpoints.GET ? ["HEAD"] : []), "OPTIONS"];

  async function dispatch(request: Request, url: URL, requestId: string) {
    if (!options.reportsConfiguration) requireServableConfiguration();
    if (isPreflight(request)) return { response: preflightResponse(request, allow) };
    if (request.method === "OPTIONS") {
      return {
        response: new Response(null, { status: 204, headers: { allow: allow.join(", ") } }),
      };
    }
    const method = (request.method === "HEAD" ? "GET" : request.method) as HttpMethod;
    const endpoint = endpoints[method];
    if (!endpoint) {
      throw new ApiError("method_not_allowed", `Use ${allow.join(", ")}.`, {
        headers: { allow: allow.join(", ") },
      });
    }
    const result = await endpoint.run(request, url, requestId);
    const response =
      request.method === "HEAD" ? new Response(null, result.response) : result.response;
    return { ...result, response, endpoint };
  }

  return {
    endpoints,
    async fetch(request) {
      const startedAt = performance.now();
      const requestId = requestIdOf(request);
      const url = new URL(request.url);
      let outcome: { response: Response; caller?: Caller; endpoint?: Endpoint };
      let failure: unknown;
      try {
        outcome = await dispatch(request, url, requestId);
      } catch (error) {
        failure = error;
        outcome = { response: problemResponse(asApiError(error, requestId), requestId) };
      }
      const { caller, endpoint } = outcome;
      const response = withRequestId(outcome.response, requestId);
      const cacheable = endpoint?.spec.auth === "public" && response.status === 200;
      withSecurityHeaders(response, (cacheable && endpoint?.spec.cacheControl) || "no-store");
      withCors(response, request);
      if (response.status >= 500) {
        reportServerError(failure, {
          requestId,
          method: request.method,
          path: url.pathname,
          status: response.status,
        });
      }
      const origin = request.headers.get("origin") ?? undefined;
      log.info("request", {
        requestId,
        method: request.method,
        path: url.pathname,
        status: response.status,
        durationMs: Math.round((performance.now() - startedAt) * 10) / 10,
        userId: caller?.userId,
        origin,
        originAllowed: origin === undefined ? undefined : Boolean(allowedOrigin(request.headers)),
      });
      return response;
    },
  };
}

/**
 * The response, stamped with its request id. A Response from fetch() (a provider's answer passed
 * through) or Response.redirect() has immutable headers, so that one is copied; copying every
 * response would give each request a second body stream for nothing.
 */
function withRequestId(response: Response, requestId: string): Response {
  try {
    response.headers.set("x-request-id", requestId);
    return response;
  } catch {
    const copy = new Response(response.body, response);
    copy.headers.set("x-request-id", requestId);
    return copy;
  }
}
