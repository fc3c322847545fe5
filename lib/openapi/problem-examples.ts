// Example problem+json bodies for the OpenAPI document: one per error code an operation lists,
// built by lib/http/problem.ts's own problemBody, so they are exactly what the API sends. The
// details are what the code's usual thrower says. The field errors of validation_failed are
// the endpoint's own: its zod schemas are run on an empty or unknown input, as the pipeline
// would run them, so the example names fields the endpoint really has.
import * as z from "zod";
import { DEFAULT_BODY_LIMIT_BYTES } from "../http/body.js";
import type { Endpoint } from "../http/endpoint.js";
import { ApiError, type ErrorCode, type FieldErrors } from "../http/errors.js";
import { problemBody } from "../http/problem.js";
import { type InputLocation, parseInput } from "../http/validation.js";

/** Shaped like Vercel's x-vercel-id, which Bastion uses as the request id. */
export const EXAMPLE_REQUEST_ID = "bom1::iad1::8x4kq-1795275000000-5f0c2a9e1b3d";

/** What the pipeline validates the query of an endpoint without params or query against. */
const NO_INPUT = z.strictObject({});

const DETAILS: Record<ErrorCode, string> = {
  bad_request: "This reset link is not valid any more. Ask for a new one.",
  payment_verification_failed: "This payment does not match the order.",
  content_flagged: "This text cannot be sent to the assistant: it was flagged by moderation.",
  webhook_signature_invalid: "The signature does not match this body.",
  validation_failed: "Some fields are missing or not valid.",
  malformed_json: "The body is not valid JSON.",
  idempotency_key_missing:
    "Send an Idempotency-Key header (a fresh UUID per operation) so a retry cannot do it twice.",
  unauthorized: "Sign in and send the access token as a Bearer token.",
  invalid_credentials: "Check the email and password and try again.",
  session_expired: "Sign in again.",
  subscription_required: "This needs the pro tier or higher.",
  reauthentication_required:
    "Send your current password, or sign in again and delete the account within 5 minutes.",
  forbidden: "Your account does not have the role this needs.",
  origin_not_allowed: "Call this from the app itself, with the x-requested-with header.",
  not_found: "There is no such resource, or you may not see it.",
  method_not_allowed: "Use GET, HEAD, OPTIONS.",
  conflict: "This booking cannot be changed this way in its current state.",
  outside_messaging_window:
    "The reply is saved, but Facebook lets a shop answer within 24 hours of the customer's last message only: wait for the customer to write again.",
  version_conflict:
    "The settings changed since the version you edited; merge with `current` and send again with its version.",
  idempotency_in_progress: "Retry this request once the first one ends.",
  slot_unavailable: "Someone else has just booked this time; pick another slot.",
  cancellation_window_closed:
    "Bookings can be changed or cancelled online up to 24 hours before they start; please contact the practice.",
  refund_exceeds_captured: "A refund can be at most what was captured and not yet refunded.",
  payload_too_large: "The body may be at most 65536 bytes.",
  unsupported_media_type: "Send the body as application/json.",
  idempotency_key_reused:
    "Use a new Idempotency-Key for a request with a different method, path or body.",
  consent_required:
    "This session type needs the client's consent first: record it with POST /api/consent for the same email, then book with its consentId.",
  payment_not_usable:
    "There is no captured, unused payment with this id for this session; book without paymentId to get a hold, then pay for it.",
  rate_limited: "Too many requests. Try again in 42 seconds.",
  internal_error: `Something failed on our side. Quote request id ${EXAMPLE_REQUEST_ID} if you contact support.`,
  provider_error: "Stripe could not complete the request; try again.",
  provider_not_configured: "Payments are not configured on this server.",
  service_unavailable: "Please try again in a moment.",
};

export interface ProblemContext {
  /** The methods the route answers, for the 405 example's detail. */
  allow?: readonly string[];
  /** The operation's endpoint, for its field errors and its caller. */
  endpoint?: Endpoint;
  /** When the document is built, for the dates in the examples. */
  now?: Date;
}

export function problemExample(code: ErrorCode, context: ProblemContext = {}) {
  const error = new ApiError(code, detailFor(code, context), {
    ...(code === "validation_failed" && { errors: fieldErrors(context.endpoint) }),
    // lib/settings/write.ts sends the server's copy along, to merge with.
    ...(code === "version_conflict" && {
      extensions: {
        current: {
          version: 13,
          schemaVersion: 1,
          data: { theme: "dark" },
          // Saved by the other device a few minutes before the document was built.
          updatedAt: new Date((context.now ?? new Date()).getTime() - 300_000).toISOString(),
        },
      },
    }),
  });
  return problemBody(error, EXAMPLE_REQUEST_ID);
}

function detailFor(code: ErrorCode, { allow, endpoint }: ProblemContext): string {
  if (code === "method_not_allowed" && allow) return `Use ${allow.join(", ")}.`;
  if (code === "payload_too_large" && endpoint) {
    return `The body may be at most ${endpoint.spec.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES} bytes.`;
  }
  if (code === "unauthorized" && endpoint?.spec.auth === "cron") {
    return "Scheduled jobs are run by the scheduler only.";
  }
  // Guests call without a token; a token that is sent must verify.
  if (code === "unauthorized" && endpoint?.spec.auth === "optional") {
    return "The access token is not valid. Sign in again.";
  }
  return DETAILS[code];
}

/**
 * What the endpoint's own validation answers for a request that leaves out its required fields
 * (or, when all are optional, sends an unknown one; with no input at all, an unknown query
 * parameter): at most three fields, to stay readable.
 */
function fieldErrors(endpoint: Endpoint | undefined): FieldErrors {
  const spec: Partial<Endpoint["spec"]> = endpoint?.spec ?? {};
  const attempts: [z.ZodType, InputLocation, unknown][] = [];
  if (!spec.body && !spec.query && !spec.params) {
    attempts.push([NO_INPUT, "query", { unknown: "1" }]);
  }
  if (spec.body) attempts.push([spec.body, "body", {}], [spec.body, "body", { unknown: true }]);
  for (const [schema, location] of [
    [spec.query, "query"],
    [spec.params, "params"],
  ] as const) {
    if (!schema) continue;
    attempts.push(
      [schema, location, {}],
      [schema, location, Object.fromEntries(Object.keys(shapeOf(schema)).map((k) => [k, "?"]))],
      [schema, location, { unknown: "1" }],
    );
  }
  for (const [schema, location, input] of attempts) {
    try {
      parseInput(schema, input, location);
    } catch (error) {
      if (error instanceof ApiError && error.options.errors) {
        return Object.fromEntries(Object.entries(error.options.errors).slice(0, 3));
      }
      throw error;
    }
  }
  return { body: ["Some fields are missing or not valid"] };
}

function shapeOf(schema: z.ZodType): Record<string, unknown> {
  const shape = (schema as { shape?: unknown }).shape;
  return shape && typeof shape === "object" ? (shape as Record<string, unknown>) : {};
}
