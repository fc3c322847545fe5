// Flight bookings for signed-in travellers: created from an offer token at the price the
// provider confirms at that moment, with the travellers validated for the offer and sealed
// before they are stored; listed, read and cancelled by their owner (staff read any, by RLS).
import type { PostgrestError, SupabaseClient } from "@supabase/supabase-js";
import * as z from "zod";
import { sealPersonalData } from "../crypto/personal-data.js";
import { rpcCaller } from "../db/rpc.js";
import { ApiError } from "../http/errors.js";
import { refundPayment } from "../payments/ledger/refund-payment.js";
import { newBookingReference } from "./booking-reference.js";
import { FlightBookingRow, FlightBookingView, flightBookingView } from "./booking-row.js";
import { cancelTicketedFlightBooking } from "./cancellation.js";
import { openOfferToken, sealOfferToken } from "./offer.js";
import { revalidate } from "./offer-details.js";
import { FLIGHT_BOOKING_SEALED_COLUMNS } from "./sealed-columns.js";
import { Contact, Traveler, travelerProblems } from "./travelers.js";

export function throwFlightBookingError(error: PostgrestError, fn: string): never {
  if (error.code === "PT404") throw new ApiError("not_found", "There is no such flight booking.");
  if (error.code === "PT409") {
    throw new ApiError(
      "conflict",
      error.message.includes("under way")
        ? "A cancellation of this booking is already under way: read the booking again in a moment."
        : "This flight booking cannot take this change now.",
    );
  }
  throw new Error(`${fn} failed: ${error.code} ${error.message}`);
}
const call = rpcCaller(throwFlightBookingError);

export const FlightBookingRequest = z.strictObject({
  /** From GET /api/flights/search or GET /api/flights/{offerToken}. */
  offerToken: z.string().min(20).max(12_000),
  travelers: z.array(Traveler).min(1).max(9),
  contact: Contact,
});
export type FlightBookingRequest = z.infer<typeof FlightBookingRequest>;

export const FlightBookingParams = z.strictObject({ id: z.uuid() });

export const FlightBookingList = z
  .object({ bookings: z.array(FlightBookingView) })
  .meta({ id: "FlightBookingList" });
export type FlightBookingList = z.infer<typeof FlightBookingList>;

const seal = (value: string, column: keyof typeof FLIGHT_BOOKING_SEALED_COLUMNS) =>
  sealPersonalData(value, FLIGHT_BOOKING_SEALED_COLUMNS[column]);

export async function createFlightBooking(
  service: SupabaseClient,
  userId: string,
  request: FlightBookingRequest,
  now: Date,
): Promise<FlightBookingView> {
  const token = openOfferToken(request.offerToken, now);
  const offer = await revalidate(token);
  const today = now.toISOString().slice(0, 10);
  const lastFlightDay = (offer.segments.at(-1)?.arrivalTime ?? offer.arrivalTime).slice(0, 10);
  const problems = travelerProblems(
    request.travelers,
    token.passengers,
    offer.documentsRequired,
    today,
    lastFlightDay,
  );
  if (Object.keys(problems).length > 0) {
    throw new ApiError("validation_failed", "Some traveller details do not fit this offer.", {
      errors: problems,
    });
  }
  if (offer.priceMinor !== token.shownMinor) {
    // The traveller saw another price: nothing is booked until they accept the new one.
    throw new ApiError(
      "conflict",
      "The price of this offer has changed: show the new price and book with the new offerToken.",
      {
        extensions: {
          reason: "price_changed",
          previousPriceMinor: token.shownMinor,
          priceMinor: offer.priceMinor,
          currency: offer.currency,
          offerToken: sealOfferToken(offer, token.passengers, now),
        },
      },
    );
  }
  const sealed = {
    p_travelers_sealed: seal(JSON.stringify(request.travelers), "travelers_sealed"),
    p_contact_email_sealed: seal(request.contact.email, "contact_email_sealed"),
    p_contact_phone_sealed: seal(request.contact.phone, "contact_phone_sealed"),
  };
  for (let attempt = 0; ; attempt++) {
    const { data, error } = await service.rpc("create_flight_booking", {
      p_user_id: userId,
      p_reference: newBookingReference(),
      p_provider: offer.provider,
      p_offer_ref: offer.ref,
      p_amount_minor: offer.priceMinor,
      p_currency: offer.currency,
      p_itinerary: offer,
      p_adults: token.passengers.adults,
      p_children: token.passengers.children,
      p_infants: token.passengers.infants,
      ...sealed,
    });
    // A reference clash (one in billions) draws again.
    if (error?.code === "23505" && attempt < 3) continue;
    if (error) throwFlightBookingError(error, "create_flight_booking");
    return flightBookingView(FlightBookingRow.parse(data), now);
  }
}

/** The caller's own bookings, newest first (admins see others' only through GET one). */
export async function listMyFlightBookings(
  db: SupabaseClient,
  userId: string,
  now: Date,
): Promise<FlightBookingList> {
  const { data, error } = await db
    .from("flight_bookings")
    .select("*")
    .eq("user_id", userId)
    .order("created_at", { ascending: false })
    .order("id", { ascending: false })
    .limit(50);
  if (error) throw new Error(`listing flight bookings failed: ${error.code} ${error.message}`);
  return { bookings: data.map((row) => flightBookingView(FlightBookingRow.parse(row), now)) };
}

/**
 * One booking the caller may read (theirs; admins: any), else 404. An admin reading someone
 * else's (its travellers opened here) is recorded in personal_data_reads by read_flight_booking,
 * in the same transaction as the read.
 */
export async function getFlightBooking(
  db: SupabaseClient,
  id: string,
  now: Date,
): Promise<FlightBookingView> {
  const row = await call(db, "read_flight_booking", { p_id: id }, FlightBookingRow);
  return flightBookingView(row, now);
}

/**
 * The owner cancels: an unpaid booking any time before departure, a paid one when its fare is
 * refundable (409 otherwise); a paid one is refunded in full through the ledger.
 */
export async function cancelFlightBooking(
  service: SupabaseClient,
  userId: string,
  id: string,
  now: Date,
): Promise<FlightBookingView> {
  const { data, error } = await service.rpc("cancel_flight_booking", {
    p_user_id: userId,
    p_id: id,
  });
  let row: FlightBookingRow;
  if (error?.code === "PT409" && error.message.includes("ticketed")) {
    // Ticketed at the provider (a Duffel order): cancelled there first (cancellation.ts).
    row = await cancelTicketedFlightBooking(service, userId, id, now);
  } else {
    if (error) throwFlightBookingError(error, "cancel_flight_booking");
    row = FlightBookingRow.parse(data);
  }
  if (row.payment_status === "refund_due")
    row = await refundFlightBooking(service, row, "cancelled");
  return flightBookingView(row, now);
}

/**
 * Pays back what a cancelled or failed booking owes (refund_due): in full, or what the airline
 * refunded for a ticketed cancellation; exactly once (the ledger's key names the booking).
 */
export async function refundFlightBooking(
  service: SupabaseClient,
  row: FlightBookingRow,
  why: "cancelled" | "provider_failed",
): Promise<FlightBookingRow> {
  if (row.paid_by_payment_id === null || row.payment_status !== "refund_due") return row;
  const refund = await refundPayment(service, {
    paymentId: row.paid_by_payment_id,
    amountMinor: Math.min(row.refund_minor ?? row.amount_minor, row.amount_minor),
    reason:
      why === "cancelled"
        ? "The traveller cancelled a refundable flight booking"
        : "The flight provider could not issue the booking after payment",
    requestedBy: null,
    idempotencyKey: `flight-booking-refund:${row.id}`,
  });
  if (refund.status !== "succeeded") return row;
  const { data, error } = await service.rpc("flight_booking_refunded", { p_id: row.id });
  if (error) throwFlightBookingError(error, "flight_booking_refunded");
  return data === null ? row : FlightBookingRow.parse(data);
}
