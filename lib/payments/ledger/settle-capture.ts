// A capture verified with the provider, applied to the ledger and the booking it pays for. When
// the booking could not take it — the hold lapsed and someone else took the slot, or it was
// already paid — the money goes straight back, in full, exactly once (the refund's key names
// the payment). Telling the customer is the notifications module's job.
import type { SupabaseClient } from "@supabase/supabase-js";
import { type CaptureOutcome, paymentById, recordCapture, type VerifiedCapture } from "./ledger.js";
import { refundPayment } from "./refund-payment.js";

/** The outcome, with the payment as it stands after any refund. */
export async function settleCapture(
  service: SupabaseClient,
  capture: VerifiedCapture,
): Promise<CaptureOutcome> {
  const outcome = await recordCapture(service, capture);
  if (outcome.payment.flight_booking_id) {
    // A flight booking's payment (lib/travel): the booking takes it, is ticketed or refunded.
    const { settleFlightCapture } = await import("../../travel/flight-capture.js");
    const flight = await settleFlightCapture(service, outcome.payment.id);
    return {
      ...outcome,
      payment: (await paymentById(service, outcome.payment.id)) ?? outcome.payment,
      booking_status: flight.status,
    };
  }
  if (outcome.refund_due_minor > 0) {
    await refundPayment(service, {
      paymentId: outcome.payment.id,
      amountMinor: outcome.refund_due_minor,
      reason:
        outcome.booking_status === "confirmed"
          ? "The booking was already paid for"
          : "The hold had lapsed and the slot was no longer free",
      requestedBy: null,
      idempotencyKey: `unusable-capture:${outcome.payment.id}`,
    });
    return {
      ...outcome,
      payment: (await paymentById(service, outcome.payment.id)) ?? outcome.payment,
    };
  }
  return outcome;
}
