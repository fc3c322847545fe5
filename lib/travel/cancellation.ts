// Cancelling a ticketed flight booking at its provider (Duffel's order cancellations): the
// owner asks, Duffel quotes what cancelling gives back, and only a quote Bastion can pass on to
// the traveller is confirmed — a refund in the booking's currency, to our Duffel balance or the
// original payment. A refund in another currency (converting it would pay the card back more or
// less than Duffel returned), to airline credits or a voucher (which Bastion cannot hand to the
// traveller), or of nothing is refused before anything changes (409, the quote's terms in the
// problem): support takes those. Once Duffel confirmed, the booking is cancelled and what Duffel
// refunds (never more than was paid) goes back to the traveller's card through the ledger, with
// the cancellation email.
//
// Exactly once: one caller at a time holds the cancellation (claim_flight_cancellation, PT409 for
// a second), the quote's id is stored before it is confirmed, so a retry after a lost answer asks
// Duffel about that quote (confirmed: finish; still open: confirm it) instead of quoting anew,
// and the ledger's refund is keyed by the booking.
import type { SupabaseClient } from "@supabase/supabase-js";
import * as z from "zod";
import { ApiError } from "../http/errors.js";
import { log } from "../log.js";
import { FlightBookingRow } from "./booking-row.js";
import { throwFlightBookingError } from "./bookings.js";
import { flightProvider } from "./providers/registry.js";
import { type CancellationQuote, FlightProviderError } from "./providers/types.js";

/** Where Duffel may send the refund for Bastion to pass it on to the traveller's card. */
const REFUNDABLE_TO = new Set(["balance", "original_form_of_payment", "card", "arc_bsp_cash"]);

async function rpc<T>(service: SupabaseClient, fn: string, args: object, schema: z.ZodType<T>) {
  const { data, error } = await service.rpc(fn, args);
  if (error) throwFlightBookingError(error, fn);
  return schema.parse(data);
}

const Claim = z.object({ booking: FlightBookingRow, claimed: z.boolean() });

/** Why a quote cannot be passed on to the traveller, or null when it can. */
function refusal(quote: CancellationQuote, booking: FlightBookingRow) {
  const terms = {
    refundMinor: quote.refundMinor,
    refundCurrency: quote.currency,
    refundTo: quote.refundTo,
  };
  if (quote.currency !== booking.currency) {
    return {
      reason: "refund_currency",
      detail: `The airline would refund in ${quote.currency}, not in ${booking.currency} as paid: nothing was cancelled; ask support to cancel this booking.`,
      terms,
    };
  }
  if (!REFUNDABLE_TO.has(quote.refundTo)) {
    return {
      reason: "refund_not_money",
      detail:
        "The airline would refund this booking as credits or a voucher, not money: nothing was cancelled; ask support to cancel this booking.",
      terms,
    };
  }
  if (quote.refundMinor <= 0) {
    return {
      reason: "no_refund",
      detail: "The airline would refund nothing for this booking now: nothing was cancelled.",
      terms,
    };
  }
  return null;
}

export async function cancelTicketedFlightBooking(
  service: SupabaseClient,
  userId: string,
  id: string,
  now: Date,
): Promise<FlightBookingRow> {
  const claim = await rpc(
    service,
    "claim_flight_cancellation",
    { p_user_id: userId, p_id: id },
    Claim,
  );
  const booking = claim.booking;
  // Cancelled already (a repeat): the caller finishes any refund still owed.
  if (!claim.claimed) return booking;
  const release = () => rpc(service, "release_flight_cancellation", { p_id: id }, z.unknown());
  const provider = await flightProvider(booking.provider);
  const orderId = booking.provider_order_id;
  if (
    orderId === null ||
    !provider.quoteCancellation ||
    !provider.getCancellation ||
    !provider.confirmCancellation
  ) {
    await release();
    throw new ApiError("conflict", "This booking cannot be cancelled here: ask support.");
  }
  let quote: CancellationQuote | null = null;
  try {
    if (booking.provider_cancellation_id !== null) {
      quote = await provider.getCancellation(booking.provider_cancellation_id);
      const lapsed =
        quote !== null &&
        !quote.confirmed &&
        quote.expiresAt !== null &&
        Date.parse(quote.expiresAt) <= now.getTime();
      if (lapsed) quote = null;
    }
    if (quote === null) quote = await provider.quoteCancellation(orderId);
    if (!quote.confirmed) {
      const refused = refusal(quote, booking);
      if (refused) {
        await rpc(
          service,
          "record_flight_cancellation_quote",
          { p_id: id, p_cancellation_id: null },
          z.unknown(),
        );
        await release();
        throw new ApiError("conflict", refused.detail, {
          extensions: { reason: refused.reason, ...refused.terms },
        });
      }
      await rpc(
        service,
        "record_flight_cancellation_quote",
        { p_id: id, p_cancellation_id: quote.id },
        z.unknown(),
      );
      quote = await provider.confirmCancellation(quote.id);
      if (!quote.confirmed) throw new FlightProviderError(booking.provider, "cancel", 502);
    }
  } catch (error) {
    if (error instanceof ApiError) throw error;
    await release();
    if (error instanceof FlightProviderError) {
      log.warn("flight_cancellation_failed", {
        bookingId: id,
        endpoint: error.endpoint,
        status: error.status,
      });
      throw new ApiError(
        "provider_error",
        "The airline could not cancel this booking now; the booking is unchanged. Try again in a few minutes.",
      );
    }
    throw error;
  }
  // A quote confirmed before we checked it (another path) is still passed on in our currency only.
  const refundMinor =
    quote.currency === booking.currency ? Math.min(quote.refundMinor, booking.amount_minor) : 0;
  if (quote.currency !== booking.currency) {
    log.error("flight_cancellation_refund_currency", { bookingId: id, currency: quote.currency });
  }
  return rpc(
    service,
    "flight_booking_cancelled_at_provider",
    { p_id: id, p_refund_minor: refundMinor },
    FlightBookingRow,
  );
}
