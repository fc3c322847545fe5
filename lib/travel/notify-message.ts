// Composing the flight emails at delivery (templates in emails.ts, rows queued by
// confirm_flight_booking and cancel_flight_booking): the booking is read now and its contact
// address and travellers opened only for as long as one send takes.
import type { SupabaseClient } from "@supabase/supabase-js";
import * as z from "zod";
import { openPersonalData } from "../crypto/personal-data.js";
import { appUrl } from "../env.js";
import { type ComposedMessage, Undeliverable } from "../notify/outbox/compose.js";
import type { NotificationRow } from "../notify/outbox/outbox-rows.js";
import { practiceName } from "../notify/practice.js";
import { FlightBookingRow, openTravelers } from "./booking-row.js";
import { FLIGHT_BOOKING_SEALED_COLUMNS } from "./sealed-columns.js";

export async function composeFlightMessage(
  service: SupabaseClient,
  row: NotificationRow,
): Promise<ComposedMessage> {
  if (row.template !== "flight_booking_confirmed" && row.template !== "flight_booking_cancelled") {
    throw new Undeliverable(`the outbox does not deliver ${row.template}`);
  }
  const { data, error } = await service
    .from("flight_bookings")
    .select("*")
    .eq("id", z.uuid().parse(row.data.flight_booking_id))
    .maybeSingle();
  if (error) throw new Error(`reading a flight booking failed: ${error.code} ${error.message}`);
  if (data === null) throw new Undeliverable("the flight booking is gone");
  const booking = FlightBookingRow.parse(data);
  if (row.channel !== "email") throw new Undeliverable("flight emails go by email only");
  return {
    template: row.template,
    to: openPersonalData(
      booking.contact_email_sealed,
      FLIGHT_BOOKING_SEALED_COLUMNS.contact_email_sealed,
    ),
    variables: {
      practiceName: practiceName(),
      reference: booking.reference,
      airlineReference: booking.provider_booking_reference,
      travelers: openTravelers(booking).map((t) => `${t.givenName} ${t.familyName}`),
      flights: booking.itinerary.segments.map((segment) => ({
        flightNumber: segment.flightNumber,
        origin: segment.origin,
        destination: segment.destination,
        departureTime: segment.departureTime,
        arrivalTime: segment.arrivalTime,
      })),
      // The cancellation email names what is refunded (a ticketed booking: what the airline gives back).
      totalMinor:
        row.template === "flight_booking_cancelled"
          ? (booking.refund_minor ?? booking.amount_minor)
          : booking.amount_minor,
      currency: booking.currency,
      bookingUrl: `${appUrl()}/app/#/flights/bookings/${booking.id}`,
    },
  };
}
