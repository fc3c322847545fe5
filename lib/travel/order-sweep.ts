// The order sweep (POST/GET /api/cron/flight-orders): paid Duffel bookings whose order attempt
// got no answer (a timeout or a 5xx after the capture) — or never started — are resolved once a
// grace period has passed, never by buying blindly a second time:
// 1. Duffel is asked whether the order exists: every order Bastion creates carries the booking
//    id in its metadata, and Duffel's order list is read until it shows up (Duffel takes no
//    idempotency key on orders and filters no list by metadata). Found: the booking is confirmed
//    with it (and its email sent).
// 2. Certainly absent (the whole list read): the offer is asked for again; still on sale at the
//    price paid, the order is created now (with the same metadata).
// 3. Absent and the offer gone or repriced, or Duffel refuses the order: the booking fails and
//    the payment goes back in full.
// Duffel not answering (the list, the offer, the new order) leaves the booking for the next run.
import type { SupabaseClient } from "@supabase/supabase-js";
import * as z from "zod";
import { log } from "../log.js";
import { FlightBookingRow } from "./booking-row.js";
import { throwFlightBookingError } from "./bookings.js";
import { confirmFlightOrder, failAndRefund, placeFlightOrder } from "./flight-capture.js";
import { flightProvider } from "./providers/registry.js";

/** An unanswered attempt may still be finishing at Duffel (and its claim lasts 2 minutes). */
export const FLIGHT_ORDER_GRACE_MINUTES = 15;
const BATCH = 20;

export const FlightOrderSweep = z
  .object({
    /** Bookings looked at. */
    checked: z.number().int(),
    /** Found at Duffel and confirmed. */
    found: z.number().int(),
    /** Certainly absent, the offer still on sale: ordered now. */
    ordered: z.number().int(),
    /** Absent with the offer gone, or refused: failed and refunded in full. */
    refunded: z.number().int(),
    /** Duffel could not tell: left for the next run. */
    undecided: z.number().int(),
  })
  .meta({ id: "FlightOrderSweep" });
export type FlightOrderSweep = z.infer<typeof FlightOrderSweep>;

export async function sweepFlightOrders(service: SupabaseClient): Promise<FlightOrderSweep> {
  const result: FlightOrderSweep = { checked: 0, found: 0, ordered: 0, refunded: 0, undecided: 0 };
  const { data, error } = await service.rpc("flight_bookings_awaiting_order", {
    p_grace: `${FLIGHT_ORDER_GRACE_MINUTES} minutes`,
    p_limit: BATCH,
  });
  if (error) throwFlightBookingError(error, "flight_bookings_awaiting_order");
  for (const raw of data as unknown[]) {
    const booking = FlightBookingRow.parse(raw);
    result.checked++;
    try {
      const outcome = await resolve(service, booking);
      result[outcome]++;
    } catch (error) {
      log.error("flight_order_sweep_failed", { bookingId: booking.id, error });
      result.undecided++;
    }
  }
  return result;
}

async function resolve(
  service: SupabaseClient,
  booking: FlightBookingRow,
): Promise<"found" | "ordered" | "refunded" | "undecided"> {
  const claimed = await service.rpc("claim_flight_order", { p_id: booking.id });
  if (claimed.error) throwFlightBookingError(claimed.error, "claim_flight_order");
  if (claimed.data !== true) return "undecided";
  const provider = await flightProvider(booking.provider);
  if (!provider.findOrder) return "undecided";
  const existing = await provider.findOrder(booking.id);
  if (existing === "unknown") return "undecided";
  if (existing !== null) {
    await confirmFlightOrder(service, booking.id, existing);
    log.info("flight_order_found", { bookingId: booking.id });
    return "found";
  }
  // Certainly absent: buy it only while the offer is on sale at exactly what was paid.
  const offer = await provider.confirm(
    booking.provider_offer_ref,
    { adults: booking.adults, children: booking.children, infants: booking.infants },
    booking.currency,
  );
  if (offer === null || offer.priceMinor !== booking.amount_minor) {
    await failAndRefund(
      service,
      booking,
      offer === null
        ? "no order was made and the offer is no longer on sale"
        : "no order was made and the offer's price changed",
    );
    return "refunded";
  }
  const placed = await placeFlightOrder(service, booking, provider);
  return placed.status === "confirmed" ? "ordered" : "refunded";
}
