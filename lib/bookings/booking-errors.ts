// What the booking functions' SQLSTATEs mean to a client (the list and the reasons are in
// supabase/migrations/20261121000400_bookings.sql). Anything else is our bug: thrown as a plain
// Error, answered 500 and logged with the code.
import type { PostgrestError } from "@supabase/supabase-js";
import { ApiError } from "../http/errors.js";
import { CHANGE_WINDOW_HOURS } from "./policy.js";

const KNOWN: Record<string, () => ApiError> = {
  "23P01": () =>
    new ApiError("slot_unavailable", "Someone else has just booked this time; pick another slot."),
  BKSLT: () =>
    new ApiError(
      "slot_unavailable",
      "This time cannot be booked: it is in the past, outside working hours or during time off.",
    ),
  BKPAY: () =>
    new ApiError(
      "payment_not_usable",
      "There is no captured, unused payment with this id for this session type, format and price; pay for the session first (POST /api/payments/create-order, then POST /api/payments/verify), or book without paymentId to get a hold.",
    ),
  BKPRA: () => new ApiError("not_found", "There is no practitioner taking bookings with this id."),
  BKCNS: () =>
    new ApiError(
      "consent_required",
      "This session type needs the client's consent first: record it with POST /api/consent for the same email, then book with its consentId.",
    ),
  BKWIN: () =>
    new ApiError(
      "cancellation_window_closed",
      `Bookings can be changed or cancelled online up to ${CHANGE_WINDOW_HOURS} hours before they start; please contact the practice.`,
    ),
  // The signed-in account was deleted while its access token is still valid.
  "28000": () => new ApiError("unauthorized", "This account no longer exists; sign in again."),
  PT409: () =>
    new ApiError("conflict", "This booking cannot be changed this way in its current state."),
};

/**
 * Throws the ApiError for a known refusal, or an Error naming the code for anything else.
 * PT404 is "no such booking" except where `notFound` says what else was missing.
 */
export function throwBookingError(
  error: PostgrestError,
  action: string,
  notFound = "There is no such booking.",
): never {
  if (error.code === "PT404") throw new ApiError("not_found", notFound);
  const known = KNOWN[error.code];
  if (known) throw known();
  throw new Error(`${action} failed: ${error.code} ${error.message}`);
}
