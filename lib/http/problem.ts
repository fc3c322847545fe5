// RFC 9457 problem details: the one shape every error leaves Bastion in. Unknown exceptions
// become a generic 500 carrying only the request id; the cause goes to the log, never the client.
import * as z from "zod";
import { log } from "../log.js";
import { ApiError, ErrorCodeSchema } from "./errors.js";

export const PROBLEM_CONTENT_TYPE = "application/problem+json";

export const ProblemSchema = z
  .object({
    type: z.string().describe("Where this kind of problem is documented"),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: ErrorCodeSchema,
    requestId: z.string(),
    errors: z.record(z.string(), z.array(z.string())).optional(),
  })
  .catchall(z.unknown())
  .meta({ id: "Problem" });

export function problemResponse(error: ApiError, requestId: string): Response {
  const headers = new Headers(error.options.headers);
  headers.set("content-type", PROBLEM_CONTENT_TYPE);
  return new Response(JSON.stringify(problemBody(error, requestId)), {
    status: error.status,
    headers,
  });
}

/** The body of the error's response; also what the OpenAPI document shows as its example. */
export function problemBody(error: ApiError, requestId: string): z.infer<typeof ProblemSchema> {
  return {
    ...error.options.extensions,
    type: `/docs/errors#${error.code}`,
    title: error.title,
    status: error.status,
    detail: error.detail ?? error.title,
    code: error.code,
    requestId,
    ...(error.options.errors && { errors: error.options.errors }),
  };
}

/** Any thrown value as an ApiError; what is not one is logged and hidden behind a 500. */
export function asApiError(error: unknown, requestId: string): ApiError {
  if (error instanceof ApiError) return error;
  log.error("unhandled_error", { requestId, error });
  return new ApiError(
    "internal_error",
    `Something failed on our side. Quote request id ${requestId} if you contact support.`,
  );
}
