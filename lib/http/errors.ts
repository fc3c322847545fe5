// One error type and one table of codes for every endpoint. A handler throws ApiError with a
// code; the pipeline turns it into RFC 9457 problem+json. The code table is the single source
// of status, title and the zod enum the OpenAPI document lists; its `help` (what usually causes
// the error, what to do about it) is what /docs/errors shows for each code.
import * as z from "zod";

export const ERROR_CODES = {
  bad_request: {
    status: 400,
    title: "The request is not valid",
    help: {
      cause:
        "The request is well formed but asks for something that cannot be done as sent: a reset link that is expired or already used, a phone number we do not text, a webhook without its event id.",
      fix: "Read `detail` (and `errors` when present) and change the request; sending it again unchanged gets the same answer.",
    },
  },
  payment_verification_failed: {
    status: 400,
    title: "The payment could not be verified",
    help: {
      cause:
        "The payment the checkout reported does not match what the provider has: another order, another amount, an unpaid payment or a forged signature.",
      fix: "Do not retry with the same data. Nothing was confirmed: start the checkout again from the booking.",
    },
  },
  content_flagged: {
    status: 400,
    title: "The text was flagged by moderation",
    help: {
      cause:
        "An AI endpoint checked the text with OpenAI's moderation before sending it to a model, and moderation flagged it; `reasons` lists the categories. Nothing was sent to the model.",
      fix: "Rephrase the text. Sending it again unchanged gets the same answer.",
    },
  },
  webhook_signature_invalid: {
    status: 400,
    title: "The webhook signature does not verify",
    help: {
      cause:
        "The webhook's signature header does not match its body under the signing secret configured here.",
      fix: "Check that the webhook secret set on this deployment is the one the provider's dashboard shows, and that nothing between the provider and Bastion rewrites the body.",
    },
  },
  validation_failed: {
    status: 400,
    title: "Some fields are not valid",
    help: {
      cause: "A field is missing or holds a value this endpoint does not take.",
      fix: "`errors` names each field (`customer.name`, `query.date`) with what is wrong: show each message next to its field, correct them and send again.",
    },
  },
  malformed_json: {
    status: 400,
    title: "The body is not valid JSON",
    help: {
      cause:
        "The body is not valid JSON: a trailing comma, single quotes, an unescaped character or a cut-off body.",
      fix: "Send what JSON.stringify (or your language's JSON encoder) makes, with `Content-Type: application/json`.",
    },
  },
  idempotency_key_missing: {
    status: 400,
    title: "This request needs an Idempotency-Key header",
    help: {
      cause:
        "This endpoint moves money or makes something that must happen once, and the request had no `Idempotency-Key` header.",
      fix: "Send a fresh UUID as `Idempotency-Key` for each operation, and the same one when you retry that operation.",
    },
  },
  unauthorized: {
    status: 401,
    title: "Sign in to continue",
    help: {
      cause:
        "No access token was sent, or the one sent is not valid any more (expired, signed out, or from another project).",
      fix: "Sign in (POST /api/auth/login) or renew the token (POST /api/auth/refresh), and send it as `Authorization: Bearer <accessToken>`.",
    },
  },
  invalid_credentials: {
    status: 401,
    title: "Wrong email or password",
    help: {
      cause:
        "The email and password do not match an account. The answer never says which of the two was wrong.",
      fix: "Check both and try again; a person who has forgotten the password asks for a reset link with POST /api/auth/forgot-password.",
    },
  },
  session_expired: {
    status: 401,
    title: "The session has ended; sign in again",
    help: {
      cause:
        "The refresh cookie is missing, past its 30 days, already used, or its session was ended elsewhere (sign-out, a password change).",
      fix: "Show the signed-out state and let the person sign in again; retrying does not help.",
    },
  },
  subscription_required: {
    status: 402,
    title: "This needs a higher subscription tier",
    help: {
      cause:
        "The feature needs a higher subscription tier than the account has; `detail` names the tier.",
      fix: "Offer the upgrade: POST /api/subscriptions with that tier.",
    },
  },
  reauthentication_required: {
    status: 403,
    title: "Confirm it is you to continue",
    help: {
      cause: "A sensitive change, such as deleting the account, needs a recent sign-in.",
      fix: "Send the password with the request, or sign in again and retry within 5 minutes.",
    },
  },
  forbidden: {
    status: 403,
    title: "You may not do this",
    help: {
      cause: "The caller is signed in but lacks the role this endpoint requires (staff or admin).",
      fix: "Use an account that has the role. Roles are set by the server in `app_metadata`, never by the user.",
    },
  },
  origin_not_allowed: {
    status: 403,
    title: "This origin may not make this request",
    help: {
      cause:
        "A request that uses the session cookie (refresh, logout) came from an origin that is neither the app's own nor in ALLOWED_ORIGINS, or without the `X-Requested-With` header; or a refresh token in the body (or an extension's OAuth handoff) came from an origin that is not an extension in ALLOWED_EXTENSION_IDS.",
      fix: "Call from the app's own origin (the typed client sends the header), or add the SPA's origin to ALLOWED_ORIGINS; a browser extension's id goes in ALLOWED_EXTENSION_IDS.",
    },
  },
  not_found: {
    status: 404,
    title: "Not found",
    help: {
      cause:
        "There is no such resource, or it is not the caller's: another person's booking is answered 404, not 403.",
      fix: "Check the id, or list what the caller has (GET /api/bookings) instead of guessing.",
    },
  },
  method_not_allowed: {
    status: 405,
    title: "This method is not allowed here",
    help: {
      cause: "This path does not answer this HTTP method.",
      fix: "Use one of the methods in the `Allow` header (and in `detail`).",
    },
  },
  conflict: {
    status: 409,
    title: "The request conflicts with the current state",
    help: {
      cause:
        "The resource is not in a state that allows this change: an account already exists for this email, a booking was already cancelled, paid or has no phone number.",
      fix: "Read the resource again and offer what its current state allows; for a sign-up, offer to sign in or to reset the password.",
    },
  },
  outside_messaging_window: {
    status: 409,
    title: "The platform's messaging window has closed",
    help: {
      cause:
        "Facebook Messenger and Instagram let a shop answer a customer within 24 hours of the customer's last message only (Meta's standard messaging window); this conversation's customer last wrote earlier than that.",
      fix: "The reply is saved but was not sent. Wait for the customer to write again (the window opens for 24 hours), or reach them another way.",
    },
  },
  version_conflict: {
    status: 409,
    title: "Someone else changed this first",
    help: {
      cause: "Another device saved a newer version since this copy was read.",
      fix: "Merge the change into `current`, the server's copy sent with the answer, and write again naming its version.",
    },
  },
  idempotency_in_progress: {
    status: 409,
    title: "A request with this Idempotency-Key is still being processed",
    help: {
      cause: "A request with the same `Idempotency-Key` is still running.",
      fix: "Wait a moment and retry with the same key: the retry gets that request's answer.",
    },
  },
  slot_unavailable: {
    status: 409,
    title: "This time is no longer available",
    help: {
      cause:
        "The chosen time was taken a moment ago by someone else, or is now too soon, outside working hours or during time off.",
      fix: "Load the day's times again (GET /api/availability) and let the person pick another.",
    },
  },
  cancellation_window_closed: {
    status: 409,
    title: "It is too late to change or cancel this booking online",
    help: {
      cause:
        "Customers may change or cancel a booking online only until its `changeableUntil`, 24 hours before it starts.",
      fix: "Offer changes only before `changeableUntil`; after it, tell the person to contact the practice, whose staff can still change the booking.",
    },
  },
  refund_exceeds_captured: {
    status: 409,
    title: "The refund is more than what can still be refunded",
    help: {
      cause:
        "The refund asked for is more than what is left of the captured payment; earlier refunds count.",
      fix: "Read the payment (GET /api/payments/{id}) and refund at most `amountMinor` minus `refundedMinor`.",
    },
  },
  payload_too_large: {
    status: 413,
    title: "The body is too large",
    help: {
      cause: "The body is larger than this endpoint takes; `detail` gives the limit in bytes.",
      fix: "Send less: shorten the text, or split the work over several requests.",
    },
  },
  unsupported_media_type: {
    status: 415,
    title: "Send the body as application/json",
    help: {
      cause: "The body was not sent as JSON.",
      fix: "Send a JSON body with `Content-Type: application/json`.",
    },
  },
  idempotency_key_reused: {
    status: 422,
    title: "This Idempotency-Key was used with a different request",
    help: {
      cause: "This `Idempotency-Key` was used before with a different body.",
      fix: "Use a new key for a new operation; reuse a key only to retry the very same request.",
    },
  },
  consent_required: {
    status: 422,
    title: "This session needs the client's consent before it is booked",
    help: {
      cause: "This session type needs the client's consent on record before it can be booked.",
      fix: "Record it with POST /api/consent (the same email and session type), then book with the `consentId` it answers.",
    },
  },
  payment_not_usable: {
    status: 422,
    title: "This payment cannot pay for this booking",
    help: {
      cause:
        "The payment named cannot pay for this booking: it is not captured, is already used, or is for another amount or session.",
      fix: "Send the id of a captured payment for this session that no booking uses yet (Bastion's, or the provider's `pay_…` as POST /api/payments/verify answers it), or book without `paymentId` to get a hold and pay for that hold.",
    },
  },
  rate_limited: {
    status: 429,
    title: "Too many requests",
    help: {
      cause: "Too many requests came from this address or account in a short time.",
      fix: "Wait the number of seconds in the `Retry-After` header before trying again; never retry in a tight loop.",
    },
  },
  internal_error: {
    status: 500,
    title: "Something went wrong on our side",
    help: {
      cause:
        "Something failed on the server. It is logged under the answer's `requestId`; nothing about it is sent to the client.",
      fix: "Try again later. If it keeps happening, report it with the `requestId`.",
    },
  },
  provider_error: {
    status: 502,
    title: "The payment provider could not complete the request",
    help: {
      cause: "The payment, email or SMS provider refused or failed the request.",
      fix: "Try again in a moment; if it persists, check the provider's status page and the server's log for the `requestId`.",
    },
  },
  provider_not_configured: {
    status: 503,
    title: "This feature is not configured",
    help: {
      cause:
        "This deployment has no keys for the provider the feature needs (payments, SMS, email or AI).",
      fix: "On your own deployment, set the provider's variables (see the README's deploy guide); in a client, hide the feature.",
    },
  },
  service_unavailable: {
    status: 503,
    title: "The service is temporarily unavailable",
    help: {
      cause:
        "A service Bastion depends on (the database, the auth server, the rate limiter) did not answer.",
      fix: "Try again in a moment; GET /api/health names what is down.",
    },
  },
} as const satisfies Record<
  string,
  { status: number; title: string; help: { cause: string; fix: string } }
>;

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
      headers?: ResponseInit["headers"];
      /** RFC 9457 extension members, e.g. the server's current copy on a version conflict. */
      extensions?: Record<string, unknown>;
    } = {},
  ) {
    super(detail ?? ERROR_CODES[code].title);
    this.status = ERROR_CODES[code].status;
    this.title = ERROR_CODES[code].title;
  }
}
