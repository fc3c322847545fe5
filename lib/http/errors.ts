// One error type and one table of codes for every endpoint. A handler throws ApiError with a
// code; the pipeline turns it into RFC 9457 problem+json. The code table is the single source
// of status, title and the zod enum the OpenAPI document lists.
import { z } from "zod";

export const ERROR_CODES = {
  bad_request: { status: 400, title: "The request is not valid" },
  payment_verification_failed: { status: 400, title: "The payment could not be verified" },
  webhook_signature_invalid: { status: 400, title: "The webhook signature does not verify" },
  validation_failed: { status: 400, title: "Some fields are not valid" },
  malformed_json: { status: 400, title: "The body is not valid JSON" },
  idempotency_key_missing: { status: 400, title: "This request needs an Idempotency-Key header" },
  unauthorized: { status: 401, title: "Sign in to continue" },
  invalid_credentials: { status: 401, title: "Wrong email or password" },
  session_expired: { status: 401, title: "The session has ended; sign in again" },
  subscription_required: { status: 402, title: "This needs a higher subscription tier" },
  reauthentication_required: { status: 403, title: "Confirm it is you to continue" },
  forbidden: { status: 403, title: "You may not do this" },
  origin_not_allowed: { status: 403, title: "This origin may not make this request" },
  not_found: { status: 404, title: "Not found" },
  method_not_allowed: { status: 405, title: "This method is not allowed here" },
  conflict: { status: 409, title: "The request conflicts with the current state" },
  version_conflict: { status: 409, title: "Someone else changed this first" },
  idempotency_in_progress: {
    status: 409,
    title: "A request with this Idempotency-Key is still being processed",
  },
  slot_unavailable: { status: 409, title: "This time is no longer available" },
  cancellation_window_closed: {
    status: 409,
    title: "It is too late to change or cancel this booking online",
  },
  refund_exceeds_captured: {
    status: 409,
    title: "The refund is more than what can still be refunded",
  },
  payload_too_large: { status: 413, title: "The body is too large" },
  unsupported_media_type: { status: 415, title: "Send the body as application/json" },
  idempotency_key_reused: {
    status: 422,
    title: "This Idempotency-Key was used with a different request",
  },
  consent_required: {
    status: 422,
    title: "This session needs the client's consent before it is booked",
  },
  payment_not_usable: {
    status: 422,
    title: "This payment cannot pay for this booking",
  },
  rate_limited: { status: 429, title: "Too many requests" },
  internal_error: { status: 500, title: "Something went wrong on our side" },
  provider_error: { status: 502, title: "The payment provider could not complete the request" },
  provider_not_configured: { status: 503, title: "This feature is not configured" },
  service_unavailable: { status: 503, title: "The service is temporarily unavailable" },
} as const satisfies Record<string, { status: number; title: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;
export const ErrorCodeSchema = z.enum(Object.keys(ERROR_CODES) as [ErrorCode, ...ErrorCode[]]);

/** Field path → messages, for validation failures. */
export type FieldErrors = Record<string, string[]>;

export class ApiError extends Error {
  readonly status: number;
  readonly title: string;

  constructor(
    readonly code: ErrorCode,
    /** Shown to the caller: say what to do, never internals. */
    readonly detail?: string,
    readonly options: {
      errors?: FieldErrors;
      headers?: HeadersInit;
      /** RFC 9457 extension members, e.g. the server's current copy on a version conflict. */
      extensions?: Record<string, unknown>;
    } = {},
  ) {
    super(detail ?? ERROR_CODES[code].title);
    this.status = ERROR_CODES[code].status;
    this.title = ERROR_CODES[code].title;
  }
}
