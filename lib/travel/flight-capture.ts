// What a captured flight payment does, from whichever path recorded the capture (the ledger's
// settleCapture calls this for payments with a flight_booking_id): the booking takes the
// payment once; then the order is bought at the provider where it sells through the API
// (Duffel: its order id and the airline's reference are kept) or the booking is confirmed in
// Bastion (Kiwi, sandbox). A provider that refuses after the capture fails the booking and the
// payment goes back in full, automatically. A capture the booking cannot take (cancelled,
// already paid) is refunded in full too. Safe to run again: each step is claimed or idempotent.
import type { SupabaseClient } from "@supabase/supabase-js";
import * as z from "zod";
import { openPersonalData } from "../crypto/personal-data.js";
import { log } from "../log.js";
import { refundPayment } from "../payments/ledger/refund-payment.js";
import { FlightBookingRow, openTravelers } from "./booking-row.js";
import { refundFlightBooking, throwFlightBookingError } from "./bookings.js";
import { flightProvider } from "./providers/registry.js";
import { type FlightProvider, FlightProviderError, type ProviderOrder } from "./providers/types.js";
import { FLIGHT_BOOKING_SEALED_COLUMNS } from "./sealed-columns.js";

const Taken = z.object({ booking: FlightBookingRow, taken: z.boolean(), refund_due: z.boolean() });

async function rpc<T>(service: SupabaseClient, fn: string, args: object, schema: z.ZodType<T>) {
  const { data, error } = await service.rpc(fn, args);
  if (error) throwFlightBookingError(error, fn);
  return schema.parse(data);
}

export async function settleFlightCapture(
  service: SupabaseClient,
  paymentId: string,
): Promise<FlightBookingRow> {
  const outcome = await rpc(
    service,
    "flight_booking_take_payment",
    { p_payment_id: paymentId },
    Taken,
  );
  const booking = outcome.booking;
  if (outcome.refund_due) {
    const payment = await service
      .from("payments")
      .select("amount_minor, refunded_minor")
      .eq("id", paymentId)
      .single();
    const owed =
      Number(payment.data?.amount_minor ?? 0) - Number(payment.data?.refunded_minor ?? 0);
    if (owed > 0) {
      await refundPayment(service, {
        paymentId,
        amountMinor: owed,
        reason: "The flight booking could no longer take this payment",
        requestedBy: null,
        idempotencyKey: `flight-unusable-capture:${paymentId}`,
      });
    }
    return booking;
  }
  if (booking.status !== "pending_payment" || booking.payment_status !== "paid") return booking;
  const provider = await flightProvider(booking.provider);
  // An earlier attempt (claimed, then no answer) may have made the order: only the order sweep
  // (order-sweep.ts), which asks the provider first, tries again — never a blind second order.
  if (provider.createOrder && booking.ordering_claimed_at !== null) return booking;
  const claimed = await rpc(service, "claim_flight_order", { p_id: booking.id }, z.boolean());
  if (!claimed) return booking;
  return placeFlightOrder(service, booking, provider);
}

/**
 * Buys the claimed, paid booking's order at its provider (or confirms it in Bastion when the
 * provider takes no orders) and confirms the booking. A refusal fails the booking and refunds it
 * in full; no answer throws (the order may exist: the order sweep finds out).
 */
export async function placeFlightOrder(
  service: SupabaseClient,
  booking: FlightBookingRow,
  provider: FlightProvider,
): Promise<FlightBookingRow> {
  let order: ProviderOrder | { orderId: null; bookingReference: null } = {
    orderId: null,
    bookingReference: null,
  };
  if (provider.createOrder) {
    try {
      order = await provider.createOrder(
        booking.itinerary,
        openTravelers(booking),
        {
          email: openPersonalData(
            booking.contact_email_sealed,
            FLIGHT_BOOKING_SEALED_COLUMNS.contact_email_sealed,
          ),
          phone: openPersonalData(
            booking.contact_phone_sealed,
            FLIGHT_BOOKING_SEALED_COLUMNS.contact_phone_sealed,
          ),
        },
        booking.id,
      );
    } catch (error) {
      if (!(error instanceof FlightProviderError) || error.status === 0 || error.status >= 500) {
        // No answer, or the provider failed while answering: the order may or may not exist.
        log.error("flight_order_uncertain", { bookingId: booking.id, error });
        throw error;
      }
      log.warn("flight_order_refused", { bookingId: booking.id, status: error.status });
      return failAndRefund(service, booking, `provider refused the order (${error.status})`);
    }
  }
  return confirmFlightOrder(service, booking.id, order);
}

export function confirmFlightOrder(
  service: SupabaseClient,
  bookingId: string,
  order: { orderId: string | null; bookingReference: string | null },
): Promise<FlightBookingRow> {
  return rpc(
    service,
    "confirm_flight_booking",
    {
      p_id: bookingId,
      p_provider_order_id: order.orderId,
      p_provider_booking_reference: order.bookingReference,
    },
    FlightBookingRow,
  );
}

/** The booking failed after its capture: it fails, and its payment goes back in full. */
export async function failAndRefund(
  service: SupabaseClient,
  booking: FlightBookingRow,
  reason: string,
): Promise<FlightBookingRow> {
  const failed = await rpc(
    service,
    "fail_flight_booking",
    { p_id: booking.id, p_reason: reason },
    FlightBookingRow.nullable(),
  );
  return refundFlightBooking(service, failed ?? booking, "provider_failed");
}
