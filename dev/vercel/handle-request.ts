// One request through the Vercel-style platform: route it, run the function or serve the static
// file it lands on, and add what the platform adds (route headers, x-vercel-id).
import { STATUS_CODES } from "node:http";
import type { RequestContext } from "../web-server.js";
import type { DeclaredErrorsCheck } from "./declared-errors.js";
import type { FunctionLoader } from "./function-loader.js";
import { invokeFunction } from "./invoke-function.js";
import { allowLocalSupabase } from "./local-csp.js";
import { createRequestId, withPlatformHeaders } from "./platform-headers.js";
import type { Project } from "./project.js";
import { runInvocation } from "./request-context.js";
import { type Resolution, resolveRoute } from "./route-resolver.js";
import { staticFileResponse } from "./static-response.js";

export async function handleRequest(
  request: Request,
  context: RequestContext,
  project: Project,
  loader: FunctionLoader,
  declaredErrors: DeclaredErrorsCheck,
): Promise<Response> {
  const requestId = createRequestId();
  const url = new URL(request.url);
  const resolution = resolveRoute(project.routes, project.filesystem, {
    method: request.method,
    pathname: url.pathname,
    query: url.searchParams,
  });
  const response = await respond(resolution, {
    request,
    url,
    context,
    requestId,
    project,
    loader,
    declaredErrors,
  });
  // A status a route imposes (the 404 page) beats the file's or function's own.
  const status = (resolution.type === "serve" && resolution.status) || response.status;
  // Route headers (vercel.json `headers`) first, so the function's own headers win on a clash.
  const headers = new Headers(resolution.headers);
  response.headers.forEach((value, name) => {
    if (name !== "set-cookie") headers.set(name, value);
  });
  for (const cookie of response.headers.getSetCookie()) headers.append("set-cookie", cookie);
  // The local Supabase API is where the pages open Realtime here (./local-csp.ts).
  allowLocalSupabase(headers);
  headers.set("x-vercel-id", requestId);
  return new Response(response.body, { status, headers });
}

interface Exchange {
  request: Request;
  url: URL;
  context: RequestContext;
  requestId: string;
  project: Project;
  loader: FunctionLoader;
  declaredErrors: DeclaredErrorsCheck;
}

async function respond(resolution: Resolution, exchange: Exchange): Promise<Response> {
  switch (resolution.type) {
    case "redirect":
      return new Response(null, {
        status: resolution.status,
        headers: { location: resolution.location },
      });
    case "status":
      return errorResponse(resolution.status);
  }
  const { entry, addedQuery } = resolution;
  const files =
    entry.type === "static" ? exchange.project.publicFiles : exchange.project.functionFiles;
  const file = files.get(entry.path);
  if (!file) return errorResponse(404);
  return entry.type === "static"
    ? staticFileResponse(file, exchange.request.method)
    : runFunction(file, entry.path, addedQuery, exchange);
}

/**
 * The function sees the URL the client requested, with the parameters of the rewrite that
 * reached it appended: `/api/bookings/123` arrives as `/api/bookings/123?id=123`.
 */
async function runFunction(
  file: string,
  functionName: string,
  addedQuery: URLSearchParams,
  exchange: Exchange,
): Promise<Response> {
  const { request, url, context, requestId, loader, declaredErrors } = exchange;
  const functionUrl = new URL(url);
  functionUrl.search = [url.search.slice(1), addedQuery.toString()].filter(Boolean).join("&");
  const hasBody = request.method !== "GET" && request.method !== "HEAD";
  const functionRequest = new Request(functionUrl, {
    method: request.method,
    headers: withPlatformHeaders(request.headers, {
      remoteAddress: context.remoteAddress,
      requestId,
    }),
    body: hasBody ? await request.arrayBuffer() : null,
  });
  try {
    const module = await loader.load(file);
    const response = await runInvocation(
      { id: requestId, method: request.method, path: url.pathname, functionName },
      () => invokeFunction(module, functionRequest),
    );
    // Local only: the answer's problem code against the operation's documented ones.
    await declaredErrors.check({ module, functionName, request: functionRequest }, response);
    return response;
  } catch (error) {
    console.error(`[api] ${request.method} ${url.pathname} failed in ${file}:`, error);
    return errorResponse(500);
  }
}

function errorResponse(status: number): Response {
  return Response.json(
    { error: { code: status, message: STATUS_CODES[status] ?? "Error" } },
    { status },
  );
}
